import type { Link, Span } from '@opentelemetry/api';
import { safeCall } from '../hooks/safe-call.ts';

/**
 * How an invocation ended, as the runtime reported it to Lambda: the response as the caller
 * receives it (parsed from the runtime's own serialization when read; undefined for a stream),
 * or an Error carrying the type, message and stack the runtime reported. Never the function's
 * own values, whose getters or toJSON would run a second time.
 */
export type Outcome = { readonly status: 'ok'; readonly result: unknown } | { readonly status: 'error'; readonly error: unknown };

/** What an extension hears about an invocation as it starts. */
export interface InvocationStart {
  readonly event: unknown;
  readonly lambdaContext: unknown;
  /** The first invocation of this process (of this worker thread under Managed Instances). */
  readonly coldStart: boolean;
}

/**
 * A capability of the layer that adds to the invocation span (the init span, payload capture),
 * switched on by configuration and wired in by start-layer, so that the lifecycle knows none of
 * them. Every call is guarded: a failing extension costs its own data, never the invocation.
 */
export interface InvocationExtension {
  /** Names the extension in the one line logged if it throws. */
  readonly name: string;
  /** Links the invocation span starts with (a sampler sees them). */
  links?(start: InvocationStart): readonly Link[];
  /** The invocation span has started; the handler has not run yet. */
  started?(span: Span, start: InvocationStart): void;
  /** The handler completed with `outcome`; the span ends right after. Not called on a timeout or crash. */
  ending?(span: Span, outcome: Outcome, start: InvocationStart): void;
}

// Tracers copy the links they are given, so one empty list serves every invocation without any.
const NO_LINKS: Link[] = [];

/**
 * The trigger's links, then the extensions'. Most invocations have none: they get one shared
 * empty list rather than two new arrays each.
 */
export function extensionLinks(extensions: readonly InvocationExtension[], start: InvocationStart, triggerLinks: readonly Link[] = NO_LINKS): Link[] {
  let links: Link[] | undefined;
  for (const extension of extensions) {
    if (extension.links === undefined) continue;
    const added = safeCall(extension.name, () => extension.links?.(start));
    if (added !== undefined && added.length > 0) (links ??= [...triggerLinks]).push(...added);
  }
  return links ?? (triggerLinks.length === 0 ? NO_LINKS : [...triggerLinks]);
}

export function notifyStarted(extensions: readonly InvocationExtension[], span: Span, start: InvocationStart): void {
  for (const extension of extensions) {
    if (extension.started !== undefined) safeCall(extension.name, () => extension.started?.(span, start));
  }
}

export function notifyEnding(extensions: readonly InvocationExtension[], span: Span, outcome: Outcome, start: InvocationStart): void {
  for (const extension of extensions) {
    if (extension.ending !== undefined) safeCall(extension.name, () => extension.ending?.(span, outcome, start));
  }
}
