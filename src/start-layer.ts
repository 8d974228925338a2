/**
 * Starts the layer: configuration, the trace pipeline, instrumentations and the handler patch.
 * Loaded by bootstrap.ts inside its fail-open guard.
 */
import { startColdStartTracing } from './coldstart/start-cold-start-tracing.ts';
import { loadConfig, quoted } from './config/index.ts';
import { serveApiCopies } from './api-bridge/serve-api-copies.ts';
import { chooseFlush } from './flush/choose-flush.ts';
import { combineFlushables } from './flush/flush-strategy.ts';
import { FlushWaiter } from './flush/flush-waiter.ts';
import { flushOnSigterm } from './flush/flush-on-sigterm.ts';
import { SyncFlush } from './flush/sync-flush.ts';
import { createHandlerWrapper } from './handler/wrap-handler.ts';
import { installHandlerPatch } from './handler/install-handler-patch.ts';
import { GuardedSpanProcessor } from './hooks/guarded-span-processor.ts';
import { loadUserHooks } from './hooks/load-user-hooks.ts';
import { resolveHandlerLocation } from './handler/resolve-handler.ts';
import { startInstrumentations } from './instrumentations/start-instrumentations.ts';
import { selectInstrumentations } from './instrumentations/instrumentation-settings.ts';
import { traceAwsCallsOverHttp2 } from './aws-requests/index.ts';
import { installCrashGuard } from './invocation/crash-guard.ts';
import { createInvocationLifecycle } from './invocation/lifecycle.ts';
import { startLogCorrelation } from './invocation/log-correlation.ts';
import { payloadCapture } from './invocation/payload-capture.ts';
import { OpenSpanTracker } from './invocation/open-spans.ts';
import { interceptNativeRuntimeClient } from './runtime-client/intercept-native-client.ts';
import { log, setLogLevel } from './log.ts';
import { routeDiagnostics } from './sdk/route-diagnostics.ts';
import { buildResource } from './sdk/build-resource.ts';
import { startTracing } from './sdk/start-tracing.ts';
import { startSignals } from './signals/start-signals.ts';

/** `bootstrapStartedAt`: performance.now() when the bootstrap began (before this module loaded). */
export async function startLayer(bootstrapStartedAt: number = performance.now()): Promise<void> {
  const startedAt = performance.now();
  const { config, warnings } = loadConfig(process.env);
  setLogLevel(config.logLevel);
  // Before anything registers with the API and before any of the function's code loads.
  serveApiCopies();
  routeDiagnostics(config.logLevel);
  for (const warning of warnings) log.warn(warning);
  if (config.sdkDisabled) {
    log.debug('OTEL_SDK_DISABLED=true: not tracing.');
    return;
  }
  const { taskRoot, handler } = config.lambda;
  const location = taskRoot === undefined || handler === undefined ? undefined : resolveHandlerLocation(taskRoot, handler);
  if (taskRoot === undefined || location === undefined) {
    log.warn(`cannot locate the handler (_HANDLER=${quoted(handler ?? '')}, LAMBDA_TASK_ROOT=${quoted(taskRoot ?? '')}); not tracing.`);
    return;
  }

  const hooks = loadUserHooks(config.hooksModule, taskRoot);
  const openSpans = new OpenSpanTracker();
  const resource = buildResource(config);
  const tracing = startTracing(config, resource, {
    ownProcessors: [openSpans],
    userProcessors: (hooks.spanProcessors ?? []).map((processor, index) => new GuardedSpanProcessor(processor, index)),
  });
  const instrumentations = startInstrumentations(config);
  for (const warning of instrumentations.warnings) log.warn(warning);
  // A bundled AWS SDK's HTTP/2 calls (Kinesis): no instrumentation sees them (src/aws-requests/).
  if (selectInstrumentations(config).entries.some((entry) => entry.name === 'aws-sdk')) traceAwsCallsOverHttp2();
  const signals = await startSignals(config, resource);
  const flushTarget = signals.flushables.length === 0 ? tracing.flushable : combineFlushables([tracing.flushable, ...signals.flushables]);
  const waiter = new FlushWaiter(flushTarget, tracing.exportHealth);
  const sync = new SyncFlush(flushTarget, waiter, {
    flushTimeoutMs: config.flushTimeoutMs,
    deadlineMarginMs: config.deadlineMarginMs,
  });
  const flush = await chooseFlush(config, flushTarget, waiter, sync);
  flushOnSigterm(flush.strategy, flush.shutdownBudgetMs);
  const runtimeClient = interceptNativeRuntimeClient({ canHold: !config.lambda.nextEventOverHttp });
  const finalFlush = (): Promise<void> => flush.strategy.shutdown(config.flushTimeoutMs);
  const coldStart = startColdStartTracing(config, { tracer: tracing.tracer, finalFlush, layerStartedAt: bootstrapStartedAt });
  const lifecycle = createInvocationLifecycle({
    tracer: tracing.tracer,
    flush: flush.strategy,
    openSpans,
    functionName: config.lambda.functionName,
    parentSources: config.parentSources,
    respectUnsampledXray: config.respectUnsampledXray,
    timeoutMarginMs: config.timeoutMarginMs,
    finalFlush,
    hooks,
    recordInvocation: signals.recordInvocation,
    resultsHeard: runtimeClient.active,
    semconvCompat: config.semconvCompat,
    triggerOptions: { maxFailedItemIds: config.batchItemFailuresMaxIds },
    extensions: [coldStart.extension, payloadCapture(config.payloadCapture)],
  });
  runtimeClient.observe(lifecycle);
  installCrashGuard(lifecycle);
  const correlateLogs = startLogCorrelation(config);
  installHandlerPatch(location, taskRoot, createHandlerWrapper(lifecycle), {
    onLoadStart: coldStart.handlerLoadStarted,
    // A CommonJS handler requires its libraries (watched without module hooks); an ES module
    // handler's static imports of built-ins are over once it has loaded.
    onCommonJsLoadStart: instrumentations.stopWatchingImports,
    onLoaded: () => {
      coldStart.handlerLoaded();
      instrumentations.stopWatchingImports();
      // The runtime client has replaced the console methods by now.
      signals.captureConsole?.();
      correlateLogs();
    },
  });
  // Last, so the collector handshake overlaps the runtime loading the handler.
  tracing.prepareExport();
  coldStart.layerReady();
  log.debug(`started in ${(performance.now() - startedAt).toFixed(1)} ms (handler ${handler}, flush ${config.flushMode}).`);
}
