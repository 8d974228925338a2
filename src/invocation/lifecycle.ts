import { SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { CompletionHint, FlushStrategy } from '../flush/flush-strategy.ts';
import { describeError, log } from '../log.ts';
import { invocationAttributes, type LambdaContextLike } from './invocation-attributes.ts';
import type { OpenSpanTracker } from './open-spans.ts';
import { parentContextOf } from './parent-context.ts';
import type { ParentSource } from '../config/index.ts';
import { extractTrigger, TRIGGER_EXTRACTORS, type ResultDescription, type Trigger, type TriggerExtractor, type TriggerOptions } from '../triggers/index.ts';
import { safeCall } from '../hooks/safe-call.ts';
import type { UserHooks } from '../hooks/user-hooks.ts';
import type { InvocationRecorder } from '../signals/faas-metrics.ts';
import { cancelUnrefTimer, startUnrefTimer } from '../unref-timer.ts';
import { withCompatNames, type SemconvCompat } from '../semconv.ts';
import { extensionLinks, notifyEnding, notifyStarted, type InvocationExtension, type InvocationStart } from './invocation-extension.ts';

export type Outcome = { status: 'ok'; result: unknown } | { status: 'error'; error: unknown };

export interface ActiveInvocation {
  /** The OpenTelemetry context the handler runs in (the invocation span is active). */
  readonly otelContext: Context;
  /**
   * Ends the invocation span with the outcome and flushes. Idempotent (the first ending wins),
   * never rejects, and resolves within the flush budget.
   */
  finish(outcome: Outcome, hint?: CompletionHint): Promise<void>;
}

export interface InvocationLifecycle {
  /** Starts tracing one invocation; undefined if tracing it failed (the handler runs untraced). */
  begin(event: unknown, lambdaContext: unknown): ActiveInvocation | undefined;
  /** Adds a process-level exception to every running invocation's span, without ending it. */
  recordException(error: unknown): void;
  /** Ends every running invocation as failed and exports everything: the process is ending. Undefined when none is running. */
  abortAll(reason: string): Promise<void> | undefined;
}

export interface LifecycleDependencies {
  readonly tracer: Tracer;
  readonly flush: FlushStrategy;
  readonly openSpans: OpenSpanTracker;
  readonly functionName: string | undefined;
  readonly parentSources: readonly ParentSource[];
  readonly respectUnsampledXray: boolean;
  /** How long before the deadline a still-running invocation is ended as timed out; 0 = never. */
  readonly timeoutMarginMs: number;
  /** The last export before the process ends (bounded; never rejects). */
  readonly finalFlush: () => Promise<void>;
  readonly hooks: UserHooks;
  /** FaaS metrics, when metrics are on. */
  readonly recordInvocation: InvocationRecorder | undefined;
  /** OTEL_LAMBDA_SEMCONV_COMPAT: which names renamed attributes go under. */
  readonly semconvCompat: SemconvCompat;
  /** The layer's own additions to invocation spans (init span, payload capture), in order. */
  readonly extensions?: readonly InvocationExtension[];
  /** Settings of the trigger extractors (how many failed batch items are named). */
  readonly triggerOptions?: TriggerOptions;
}

/** Marks spans ended by the layer because the invocation ran out of time. */
export const TIMEOUT_ATTRIBUTE = 'aws.lambda.timed_out';
/** Marks spans ended by the layer because the process was about to exit mid-invocation. */
export const ABORT_ATTRIBUTE = 'aws.lambda.aborted';

interface RunningInvocation {
  readonly span: Span;
  /** Records the invocation's FaaS metrics. */
  readonly report: (failed: boolean, timedOut?: boolean) => void;
  end(close: () => void, hint?: CompletionHint): Promise<void>;
}

export function createInvocationLifecycle(deps: LifecycleDependencies): InvocationLifecycle {
  // Per process (per worker thread under Managed Instances): the first invocation after init.
  let coldStart = true;
  let reportedFailure = false;
  // Concurrent invocations (Managed Instances) each have an entry; state never lives in a
  // module-level "current invocation".
  const running = new Set<RunningInvocation>();
  // Set once the process is ending (process.exit or a crash) while invocations ran: from then on
  // no completion reaches the runtime, as none would have without the layer.
  let exiting = false;
  const unlessExiting = <T>(promise: Promise<T>): Promise<T> => promise.then((value) => (exiting ? new Promise<T>(() => undefined) : value));
  const extractors: readonly TriggerExtractor[] = [...(deps.hooks.triggerExtractors ?? []), ...TRIGGER_EXTRACTORS];
  const { requestHook, responseHook } = deps.hooks;
  const extensions = deps.extensions ?? [];

  function track(span: Span, context: LambdaContextLike, report: (failed: boolean, timedOut?: boolean) => void): RunningInvocation {
    let ended: Promise<void> | undefined;
    let guard: NodeJS.Timeout | undefined;
    const invocation: RunningInvocation = {
      span,
      report,
      end(close, hint) {
        if (ended !== undefined) return ended;
        cancelUnrefTimer(guard);
        running.delete(invocation);
        closeSafely(close);
        deps.openSpans.forget(span.spanContext().traceId);
        ended = deps.flush.afterInvocation(context, hint);
        return ended;
      },
    };
    running.add(invocation);
    guard = scheduleTimeoutGuard(context, deps.timeoutMarginMs, () => {
      void invocation.end(() => {
        endAsFailed(deps.openSpans, span, 'Lambda invocation timed out', TIMEOUT_ATTRIBUTE);
        report(true, true);
      });
    });
    return invocation;
  }

  return {
    begin(event, lambdaContext) {
      try {
        const context = (lambdaContext ?? {}) as LambdaContextLike;
        const trigger = extractTrigger(event, extractors, deps.triggerOptions);
        const parent = parentContextOf(context, trigger.parent, deps.parentSources, deps.respectUnsampledXray);
        const start: InvocationStart = { event, lambdaContext, coldStart };
        const span = deps.tracer.startSpan(
          trigger.spanName ?? context.functionName ?? deps.functionName ?? 'lambda-invocation',
          { kind: trigger.kind, attributes: withCompatNames({ ...invocationAttributes(context, coldStart), ...trigger.attributes }, deps.semconvCompat), links: [...(trigger.links ?? []), ...extensionLinks(extensions, start)] },
          parent,
        );
        const isColdStart = coldStart;
        coldStart = false;
        notifyStarted(extensions, span, start);
        if (requestHook !== undefined) safeCall('requestHook', () => requestHook(span, { event, context: lambdaContext }));
        const startedAt = performance.now();
        const report = (failed: boolean, timedOut = false): void => {
          const record = deps.recordInvocation;
          if (record === undefined) return;
          const triggerName = trigger.attributes['faas.trigger'];
          safeCall('FaaS metrics', () =>
            record({ durationMs: performance.now() - startedAt, failed, timedOut, coldStart: isColdStart, trigger: typeof triggerName === 'string' ? triggerName : undefined }),
          );
        };
        const invocation = track(span, context, report);
        return {
          otelContext: trace.setSpan(parent, span),
          finish: (outcome, hint) =>
            unlessExiting(invocation.end(() => {
              notifyEnding(extensions, span, outcome, start);
              if (responseHook !== undefined) {
                const outcomeInfo = outcome.status === 'ok' ? { result: outcome.result } : { error: outcome.error };
                safeCall('responseHook', () => responseHook(span, { event, context: lambdaContext, ...outcomeInfo }));
              }
              report(endWithOutcome(span, outcome, trigger));
            }, hint)),
        };
      } catch (error) {
        // The flush strategy still hears of the invocation: deferred mode's extension waits for it.
        void deps.flush.afterInvocation((lambdaContext ?? {}) as LambdaContextLike);
        if (!reportedFailure) {
          reportedFailure = true;
          log.error(`could not trace an invocation (${describeError(error)}); the function runs untraced. Please report this.`);
        }
        return undefined;
      }
    },

    recordException(error) {
      for (const invocation of running) closeSafely(() => invocation.span.recordException(asException(error)));
    },

    abortAll(reason) {
      if (running.size === 0) return undefined;
      exiting = true;
      const ending = [...running].map((invocation) =>
        invocation.end(() => {
          endAsFailed(deps.openSpans, invocation.span, reason, ABORT_ATTRIBUTE);
          invocation.report(true);
        }),
      );
      return Promise.all(ending).then(deps.finalFlush);
    },
  };
}

function scheduleTimeoutGuard(context: LambdaContextLike, marginMs: number, onTimeout: () => void): NodeJS.Timeout | undefined {
  if (marginMs <= 0 || typeof context.getRemainingTimeInMillis !== 'function') return undefined;
  const remaining = context.getRemainingTimeInMillis();
  if (!Number.isFinite(remaining)) return undefined;
  // Unref'd: the guard must never be what keeps a process (or a callback handler) waiting.
  return startUnrefTimer(onTimeout, Math.max(0, remaining - marginMs));
}

/** Ends the span with the outcome; returns whether the invocation failed. */
function endWithOutcome(span: Span, outcome: Outcome, trigger: Trigger): boolean {
  let failed = outcome.status === 'error';
  if (outcome.status === 'error') {
    span.recordException(asException(outcome.error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(outcome.error) });
  } else {
    const described = describeResultSafely(trigger, outcome.result);
    if (described !== undefined) span.setAttributes(described.attributes);
    failed = described?.isError === true;
    span.setStatus({ code: failed ? SpanStatusCode.ERROR : SpanStatusCode.OK });
  }
  span.end();
  return failed;
}

function describeResultSafely(trigger: Trigger, result: unknown): ResultDescription | undefined {
  try {
    return trigger.describeResult?.(result);
  } catch {
    return undefined;
  }
}

/** Ends the invocation span and every span of its trace still open (what it was waiting on). */
function endAsFailed(openSpans: OpenSpanTracker, span: Span, reason: string, attribute: string): void {
  openSpans.endOpenSpans(span.spanContext().traceId, span, reason, { [attribute]: true });
  span.setAttribute(attribute, true);
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  span.end();
}

function closeSafely(close: () => void): void {
  try {
    close();
  } catch (error) {
    log.error(`could not end an invocation span (${describeError(error)}).`);
  }
}

/**
 * What recordException gets: Errors as they are; any other thrown value with its JavaScript type
 * as `exception.type`, as the runtime reports it (`errorType: "string"`, `"object"`), and no stack.
 */
function asException(error: unknown): Error {
  if (error instanceof Error) return error;
  const message = typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
    ? (error as { message: string }).message
    : String(error);
  return { name: typeof error, message };
}
