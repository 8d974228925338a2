import { ROOT_CONTEXT, trace, type Attributes, type Context, type Link, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { LayerConfig } from '../config/index.ts';
import type { InvocationExtension } from '../invocation/invocation-extension.ts';
import { describeError, log } from '../log.ts';
import { holdInitErrorReport, type InitErrorReport } from './hold-init-error-report.ts';
import { DROPPED_PHASES_ATTRIBUTE, INITIALIZATION_TYPE_ATTRIBUTE, emitInitSpan, type InitFailure } from './init-span.ts';
import { InitTimeline, epochNow, type EpochMs } from './init-timeline.ts';

export const LAYER_START_PHASE = 'otel-lambda-layer start';
export const HANDLER_LOAD_PHASE = 'load handler';

/**
 * Init types where init runs ahead of any invocation (provisioned concurrency keeps environments
 * ready; Managed Instances start workers before traffic): the init span is then a trace of its
 * own, linked from the first invocation, instead of a part of the first invocation's trace.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html (AWS_LAMBDA_INITIALIZATION_TYPE)
 */
const INIT_AHEAD_OF_INVOCATIONS: ReadonlySet<string> = new Set(['provisioned-concurrency', 'lambda-managed-instances']);

export interface ColdStartDependencies {
  readonly tracer: Tracer;
  /** The last export before the process ends: bounded by the flush budget, never rejects. */
  readonly finalFlush: () => Promise<void>;
  /** performance.now() when the layer's bootstrap began. */
  readonly layerStartedAt: number;
}

export interface ColdStartTracing {
  /** Puts the init span into the first invocation's trace, or links it from there. */
  readonly extension: InvocationExtension;
  /** Init's record; module loads join it as phases (parents: `handlerLoadPhaseId()`). */
  readonly timeline: InitTimeline;
  /** The layer has started (the end of start-layer). */
  readonly layerReady: () => void;
  /** The runtime client began to load the handler module `file`. */
  readonly handlerLoadStarted: (file: string) => void;
  /** The handler module has loaded: init is over. */
  readonly handlerLoaded: () => void;
  /** The id of the handler-load phase, once it started. */
  readonly handlerLoadPhaseId: () => number | undefined;
}

const NOTHING = (): void => undefined;

const DISABLED: ColdStartTracing = Object.freeze({
  extension: Object.freeze({ name: 'init span' }),
  timeline: new InitTimeline(),
  layerReady: NOTHING,
  handlerLoadStarted: NOTHING,
  handlerLoaded: NOTHING,
  handlerLoadPhaseId: () => undefined,
});

/**
 * The init span: Lambda's init phase from the runtime process's start (Node's time origin; a
 * worker thread's start under Managed Instances) to the handler module having loaded, with
 * `faas.coldstart=true` and the init type. On demand it becomes a child of the first
 * invocation's span; when init runs ahead of invocations it is its own trace. A failed init
 * exports it with the runtime's error before the runtime reports that error.
 */
export function startColdStartTracing(config: LayerConfig, deps: ColdStartDependencies): ColdStartTracing {
  if (!config.initSpan) return DISABLED;
  const timeline = new InitTimeline();
  const initializationType = config.lambda.initializationType;
  const ownTrace = initializationType !== undefined && INIT_AHEAD_OF_INVOCATIONS.has(initializationType);
  const attributes: Attributes = { 'faas.coldstart': true };
  if (initializationType !== undefined) attributes[INITIALIZATION_TYPE_ATTRIBUTE] = initializationType;
  let handlerLoad: { id: number; startTime: EpochMs; file: string } | undefined;
  let loadedAt: EpochMs | undefined;
  let emitted = false;
  let ownTraceContext: SpanContext | undefined;

  const emit = (parent: Context | undefined, endTime: EpochMs, failure?: InitFailure): SpanContext | undefined => {
    if (emitted) return undefined;
    emitted = true;
    if (handlerLoad !== undefined && loadedAt === undefined) {
      timeline.record({ id: handlerLoad.id, name: HANDLER_LOAD_PHASE, startTime: handlerLoad.startTime, attributes: { 'code.file.path': handlerLoad.file }, failed: true });
    }
    const spanAttributes = timeline.dropped > 0 ? { ...attributes, [DROPPED_PHASES_ATTRIBUTE]: timeline.dropped } : attributes;
    try {
      return emitInitSpan(deps.tracer, { parent, startTime: performance.timeOrigin, endTime, attributes: spanAttributes, phases: timeline.phases(), ...(failure === undefined ? {} : { failure }) });
    } catch (error) {
      log.error(`could not record the init span (${describeError(error)}). Please report this.`);
      return undefined;
    }
  };

  const reportFailure = async (report: InitErrorReport): Promise<void> => {
    const stack = report.trace.length > 0 ? report.trace.join('\n') : undefined;
    emit(undefined, epochNow(), { type: report.errorType, message: report.errorMessage, ...(stack === undefined ? {} : { stack }) });
    await deps.finalFlush();
  };
  const gate = holdInitErrorReport(config.lambda.runtimeApi, reportFailure);

  const extension: InvocationExtension = {
    name: 'init span',
    links(start) {
      if (!start.coldStart || !ownTrace) return [];
      ownTraceContext ??= emit(undefined, loadedAt ?? epochNow());
      const link: Link | undefined = ownTraceContext === undefined ? undefined : { context: ownTraceContext };
      return link === undefined ? [] : [link];
    },
    started(span, start) {
      if (!start.coldStart) return;
      // From here on the runtime reports invocation errors, never an init error.
      gate.release();
      if (!ownTrace) emit(trace.setSpan(ROOT_CONTEXT, span), loadedAt ?? epochNow());
    },
  };

  return {
    extension,
    timeline,
    layerReady: () => timeline.record({ name: LAYER_START_PHASE, startTime: performance.timeOrigin + deps.layerStartedAt, endTime: epochNow() }),
    handlerLoadStarted: (file) => {
      handlerLoad ??= { id: timeline.reserveId(), startTime: epochNow(), file };
    },
    handlerLoaded: () => {
      if (loadedAt !== undefined) return;
      loadedAt = epochNow();
      if (handlerLoad !== undefined) {
        timeline.record({ id: handlerLoad.id, name: HANDLER_LOAD_PHASE, startTime: handlerLoad.startTime, endTime: loadedAt, attributes: { 'code.file.path': handlerLoad.file } });
      }
    },
    handlerLoadPhaseId: () => handlerLoad?.id,
  };
}
