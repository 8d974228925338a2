import type { Span } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { TriggerExtractor } from '../triggers/trigger.ts';

export interface RequestHookInfo {
  readonly event: unknown;
  readonly context: unknown;
}

export interface ResponseHookInfo extends RequestHookInfo {
  readonly result?: unknown;
  readonly error?: unknown;
}

/**
 * What a function may add to the layer without forking it, from the module named by
 * OTEL_LAMBDA_HOOKS_MODULE. Every member is optional; every call into it is guarded.
 *
 * @example
 * // otel-hooks.js, beside the handler; OTEL_LAMBDA_HOOKS_MODULE=otel-hooks.js
 * module.exports = {
 *   requestHook(span, { event }) { span.setAttribute('app.tenant', event.tenant); },
 *   responseHook(span, { result }) { span.setAttribute('app.items', result?.items?.length ?? 0); },
 * };
 */
export interface UserHooks {
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Instrumentation instances, constructed by the user (enabled on construction). */
  readonly instrumentations?: readonly unknown[];
  /** Checked before the built-in extractors. */
  readonly triggerExtractors?: readonly TriggerExtractor[];
  readonly requestHook?: (span: Span, info: RequestHookInfo) => void;
  readonly responseHook?: (span: Span, info: ResponseHookInfo) => void;
}

export const NO_HOOKS: UserHooks = Object.freeze({});
