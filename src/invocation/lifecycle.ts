import { SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { FlushStrategy } from '../flush/flush-strategy.ts';
import { describeError, log } from '../log.ts';
import { readThrown } from '../read-thrown.ts';
import { reportedError, type ReportedError, type RuntimeResult } from '../runtime-client/runtime-result.ts';
import { invocationAttributes, type LambdaContextLike } from './invocation-attributes.ts';
import type { OpenSpanTracker } from './open-spans.ts';
import { parentContextOf } from './parent-context.ts';
import type { ParentSource } from '../config/index.ts';
import { extractTrigger, TRIGGER_EXTRACTORS, type ResultDescription, type Trigger, type TriggerExtractor, type TriggerOptions } from '../triggers/index.ts';
import { safeCall } from '../hooks/safe-call.ts';
import type { ResponseHookInfo, UserHooks } from '../hooks/user-hooks.ts';
import type { InvocationRecorder } from '../signals/faas-metrics.ts';
import { cancelUnrefTimer, startUnrefTimer } from '../unref-timer.ts';
import { withCompatNames, type SemconvCompat } from '../semconv.ts';
import { extensionLinks, notifyEnding, notifyStarted, type InvocationExtension, type InvocationStart, type Outcome } from './invocation-extension.ts';

export interface ActiveInvocation {
  /** The OpenTelemetry context the handler runs in (the invocation span is active). */
  readonly otelContext: Context;
  /**
   * Streaming handlers only (their result is a stream, never posted as a whole): the runtime's
   * response stream was sent; ends the invocation span with the runtime's verdict and flushes
   * (the runtime's request for its next event waits for it). Idempotent: the first ending wins.
   */
  streamEnded(result: RuntimeResult): void;
}

export interface InvocationLifecycle {
  /**
   * Starts tracing one invocation; undefined if tracing it failed, or if the runtime's results
   * cannot be heard (the handler then runs untraced).
   */
  begin(event: unknown, lambdaContext: unknown): ActiveInvocation | undefined;
  /**
   * The runtime posted a buffered invocation's result: its span ends with the runtime's verdict.
   * The post waits for the returned promise (the flush); undefined lets it go at once.
   */
  resultPosted(requestId: string, result: RuntimeResult): Promise<void> | undefined;
  /** Flushes of ended invocations still under way (the runtime's next request waits for them). */
  pendingFlushes(): ReadonlySet<Promise<void>>;
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
  /** Whether the runtime's posted results reach resultPosted (the native client was gated). */
  readonly resultsHeard: () => boolean;
  /** OTEL_LAMBDA_SEMCONV_COMPAT: which names renamed attributes go under. */
  readonly semconvCompat: SemconvCompat;
  /** The layer's own additions to invocation spans (init span, payload capture), in order. */
  readonly extensions?: readonly InvocationExtension[];
  /** Settings of the trigger extractors (how many failed batch items are named). */
  readonly triggerOptions?: TriggerOptions;
}

const EXCEPTION_EVENT = 'exception';
const ATTR_EXCEPTION_TYPE = 'exception.type';
const ATTR_EXCEPTION_MESSAGE = 'exception.message';
const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';

/** Marks spans ended by the layer because the invocation ran out of time. */
export const TIMEOUT_ATTRIBUTE = 'aws.lambda.timed_out';
/** Marks spans ended by the layer because the process was about to exit mid-invocation. */
export const ABORT_ATTRIBUTE = 'aws.lambda.aborted';

interface RunningInvocation {
  readonly span: Span;
  /** Records the invocation's FaaS metrics. */
  readonly report: (failed: boolean, timedOut?: boolean) => void;
  /** Process-level exceptions already on the span (the runtime may report the same one). */
  readonly recordedExceptions: Array<Pick<ReportedError, 'type' | 'message'>>;
  /** Ends the span with the runtime's verdict (set by begin). */
  closeWith: (result: RuntimeResult) => void;
  end(close: () => void): Promise<void>;
}

/** What a post made after the process began to exit waits for: the bare runtime never made it. */
const NEVER: Promise<void> = new Promise(() => undefined);

export function createInvocationLifecycle(deps: LifecycleDependencies): InvocationLifecycle {
  // Per process (per worker thread under Managed Instances): the first invocation after init.
  let coldStart = true;
  let reportedFailure = false;
  let reportedUnheard = false;
  // Concurrent invocations (Managed Instances) each have an entry; state never lives in a
  // module-level "current invocation".
  const running = new Set<RunningInvocation>();
  const byRequestId = new Map<string, RunningInvocation>();
  // Ended invocations whose flush (and so, in sync mode, whose held result) is still under way.
  const flushing = new Set<Promise<void>>();
  // Set once the process is ending (process.exit or a crash) while invocations ran: from then on
  // no result reaches Lambda, as none would have without the layer.
  let exiting = false;
  const extractors: readonly TriggerExtractor[] = [...(deps.hooks.triggerExtractors ?? []), ...TRIGGER_EXTRACTORS];
  const { requestHook, responseHook } = deps.hooks;
  const extensions = deps.extensions ?? [];
  // The outcome is built for those who read it only: by default no extension and no hook does,
  // and an error's outcome would cost a second parse of the runtime's error document and an
  // Error object (with its stack captured) on every failed invocation.
  const outcomeHeard = responseHook !== undefined || extensions.some((extension) => extension.ending !== undefined);

  function track(span: Span, context: LambdaContextLike, report: (failed: boolean, timedOut?: boolean) => void): RunningInvocation {
    let ended: Promise<void> | undefined;
    let guard: NodeJS.Timeout | undefined;
    const requestId = context.awsRequestId;
    const invocation: RunningInvocation = {
      span,
      report,
      recordedExceptions: [],
      closeWith: () => undefined,
      end(close) {
        if (ended !== undefined) return ended;
        cancelUnrefTimer(guard);
        running.delete(invocation);
        if (requestId !== undefined && byRequestId.get(requestId) === invocation) byRequestId.delete(requestId);
        closeSafely(close);
        deps.openSpans.forget(span.spanContext().traceId);
        const flushed = deps.flush.afterInvocation(context);
        ended = flushed;
        flushing.add(flushed);
        const forget = (): void => void flushing.delete(flushed);
        flushed.then(forget, forget);
        return flushed;
      },
    };
    running.add(invocation);
    if (requestId !== undefined) byRequestId.set(requestId, invocation);
    guard = scheduleTimeoutGuard(context, deps.timeoutMarginMs, () => {
      void invocation.end(() => {
        endAsFailed(deps.openSpans, span, 'Lambda invocation timed out', TIMEOUT_ATTRIBUTE);
        report(true, true);
      });
    });
    return invocation;
  }

  function untraced(lambdaContext: unknown): undefined {
    // The flush strategy still hears of the invocation: deferred mode's extension waits for it.
    void deps.flush.afterInvocation((lambdaContext ?? {}) as LambdaContextLike);
    return undefined;
  }

  return {
    begin(event, lambdaContext) {
      if (!deps.resultsHeard()) {
        if (!reportedUnheard) {
          reportedUnheard = true;
          log.error("this runtime's Runtime API client was not recognised, so results cannot be observed; the function runs untraced. Please report this.");
        }
        return untraced(lambdaContext);
      }
      try {
        const context = (lambdaContext ?? {}) as LambdaContextLike;
        const trigger = extractTrigger(event, extractors, deps.triggerOptions);
        const parent = parentContextOf(context, trigger.parent, deps.parentSources, deps.respectUnsampledXray);
        const start: InvocationStart = { event, lambdaContext, coldStart };
        const span = deps.tracer.startSpan(
          trigger.spanName ?? context.functionName ?? deps.functionName ?? 'lambda-invocation',
          { kind: trigger.kind, attributes: withCompatNames({ ...invocationAttributes(context, coldStart), ...trigger.attributes }, deps.semconvCompat), links: extensionLinks(extensions, start, trigger.links) },
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
        invocation.closeWith = (result) => {
          const reported = result.kind === 'error' ? reportedError(result.body) : undefined;
          if (outcomeHeard) {
            const outcome = outcomeOf(result, reported);
            notifyEnding(extensions, span, outcome, start);
            if (responseHook !== undefined) safeCall('responseHook', () => responseHook(span, responseHookInfo(event, lambdaContext, outcome)));
          }
          report(result.kind === 'error' ? endWithException(invocation, reported ?? reportedError(result.body)) : endWithResult(invocation, result, trigger));
        };
        return {
          otelContext: trace.setSpan(parent, span),
          streamEnded: (result) => void invocation.end(() => invocation.closeWith(result)),
        };
      } catch (error) {
        if (!reportedFailure) {
          reportedFailure = true;
          log.error(`could not trace an invocation (${describeError(error)}); the function runs untraced. Please report this.`);
        }
        return untraced(lambdaContext);
      }
    },

    resultPosted(requestId, result) {
      const invocation = byRequestId.get(requestId);
      // Not traced, or already ended (timed out): the result goes as it is. While the process
      // exits, a result the dying invocation posts late never goes: without the layer the
      // process would have been gone.
      if (invocation === undefined) return exiting ? NEVER : undefined;
      return invocation.end(() => invocation.closeWith(result));
    },

    pendingFlushes: () => flushing,

    recordException(error) {
      if (running.size === 0) return;
      const thrown = readThrown(error, true);
      for (const invocation of running) {
        closeSafely(() => invocation.span.addEvent(EXCEPTION_EVENT, exceptionAttributes(thrown)));
        invocation.recordedExceptions.push({ type: thrown.type, message: thrown.message });
      }
    },

    abortAll(reason) {
      if (running.size === 0 && flushing.size === 0) return undefined;
      exiting = true;
      const ending = [...running].map((invocation) =>
        invocation.end(() => {
          endAsFailed(deps.openSpans, invocation.span, reason, ABORT_ATTRIBUTE);
          invocation.report(true);
        }),
      );
      // Results posted before the exit are held until their flush: they go out first (the gate
      // releases them as those flushes settle, within the same turn of the event loop), as
      // without the layer they were posted before the process exited.
      return Promise.all([...ending, ...flushing])
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(deps.finalFlush);
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

/**
 * Ends the span with a response the runtime sent; returns whether the invocation failed. Success
 * leaves the status UNSET, as the semantic conventions ask of a server span
 * (https://opentelemetry.io/docs/specs/otel/trace/api/#set-status); an HTTP trigger's 5xx answer
 * is ERROR (an error the runtime reported: endWithException). Only the runtime's own
 * serialization is read, never the function's values.
 */
function endWithResult(invocation: RunningInvocation, result: Exclude<RuntimeResult, { kind: 'error' }>, trigger: Trigger): boolean {
  const { span } = invocation;
  // A stream's status code, if any, is in its prelude, which the layer does not read.
  const described = result.kind === 'response' ? describeResponseSafely(trigger, result.body) : undefined;
  if (described !== undefined) span.setAttributes(described.attributes);
  const failed = described?.isError === true;
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  return failed;
}

/**
 * Ends the span as failed, with the exception the runtime reported (unless an uncaught exception
 * already recorded on the span says the same: ric v3 reports the uncaught exception it exits
 * on); returns true.
 */
function endWithException(invocation: RunningInvocation, exception: ReportedError): boolean {
  const { span } = invocation;
  const known = invocation.recordedExceptions.some(({ type, message }) => type === exception.type && message === exception.message);
  if (!known) span.addEvent(EXCEPTION_EVENT, exceptionAttributes(exception));
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message === undefined || exception.message === '' ? exception.type : `${exception.type}: ${exception.message}` });
  span.end();
  return true;
}

function describeResponseSafely(trigger: Trigger, body: string): ResultDescription | undefined {
  try {
    return trigger.describeResponse?.(body);
  } catch {
    return undefined;
  }
}

/**
 * The exception event (https://opentelemetry.io/docs/specs/semconv/exceptions/exceptions-spans/)
 * from facts only: `exception.type` always (as the runtime reported it, even empty), the message
 * and stack when there are any. Written directly rather than through Span.recordException, which
 * would read the error object again (its `code`, `name`, `message` and `stack`).
 */
function exceptionAttributes(facts: ReportedError): Attributes {
  const attributes: Attributes = { [ATTR_EXCEPTION_TYPE]: facts.type };
  if (facts.message !== undefined && facts.message !== '') attributes[ATTR_EXCEPTION_MESSAGE] = facts.message;
  if (facts.stack !== undefined) attributes[ATTR_EXCEPTION_STACKTRACE] = facts.stack;
  return attributes;
}

/** The responseHook's `error`: an Error with the type, message and stack the runtime reported. */
function errorOf(facts: ReportedError): Error {
  const error = new Error(facts.message ?? '');
  error.name = facts.type;
  if (facts.stack !== undefined) error.stack = facts.stack;
  return error;
}

/**
 * What the extensions and the responseHook hear: an error as the runtime reported it, or the
 * response as the caller receives it, parsed from what the runtime posted only when first read
 * (a streamed response is not read: undefined).
 */
function outcomeOf(result: RuntimeResult, reported: ReportedError | undefined): Outcome {
  if (reported !== undefined) return { status: 'error', error: errorOf(reported) };
  if (result.kind === 'streamed') return { status: 'ok', result: undefined };
  const { body } = result;
  let parsed: { value: unknown } | undefined;
  return {
    status: 'ok',
    get result(): unknown {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(body) as unknown };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
}

/** The responseHook's argument; `result` stays unparsed unless the hook reads it. */
function responseHookInfo(event: unknown, context: unknown, outcome: Outcome): ResponseHookInfo {
  if (outcome.status === 'error') return { event, context, error: outcome.error };
  return {
    event,
    context,
    get result(): unknown {
      return outcome.result;
    },
  };
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
