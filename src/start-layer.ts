/**
 * Starts the layer: configuration, the trace pipeline, instrumentations and the handler patch.
 * Loaded by bootstrap.ts inside its fail-open guard.
 */
import { loadConfig } from './config/index.ts';
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
import { installCrashGuard } from './invocation/crash-guard.ts';
import { createInvocationLifecycle } from './invocation/lifecycle.ts';
import { OpenSpanTracker } from './invocation/open-spans.ts';
import { interceptNativeRuntimeClient } from './runtime-client/intercept-native-client.ts';
import { log, setLogLevel } from './log.ts';
import { routeDiagnostics } from './sdk/route-diagnostics.ts';
import { buildResource } from './sdk/build-resource.ts';
import { startTracing } from './sdk/start-tracing.ts';
import { startSignals } from './signals/start-signals.ts';

export async function startLayer(): Promise<void> {
  const startedAt = performance.now();
  const { config, warnings } = loadConfig(process.env);
  setLogLevel(config.logLevel);
  routeDiagnostics(config.logLevel);
  for (const warning of warnings) log.warn(warning);
  if (config.sdkDisabled) {
    log.debug('OTEL_SDK_DISABLED=true: not tracing.');
    return;
  }
  const { taskRoot, handler } = config.lambda;
  const location = taskRoot === undefined || handler === undefined ? undefined : resolveHandlerLocation(taskRoot, handler);
  if (taskRoot === undefined || location === undefined) {
    log.warn(`cannot locate the handler (_HANDLER="${handler ?? ''}", LAMBDA_TASK_ROOT="${taskRoot ?? ''}"); not tracing.`);
    return;
  }

  const hooks = loadUserHooks(config.hooksModule, taskRoot);
  const openSpans = new OpenSpanTracker();
  const resource = buildResource(config);
  const tracing = startTracing(config, resource, {
    extraProcessors: [openSpans, ...(hooks.spanProcessors ?? []).map((processor, index) => new GuardedSpanProcessor(processor, index))],
  });
  for (const warning of tracing.warnings) log.warn(warning);
  const instrumentations = startInstrumentations(config);
  for (const warning of instrumentations.warnings) log.warn(warning);
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
  const lifecycle = createInvocationLifecycle({
    tracer: tracing.tracer,
    flush: flush.strategy,
    openSpans,
    functionName: config.lambda.functionName,
    parentSources: config.parentSources,
    respectUnsampledXray: config.respectUnsampledXray,
    timeoutMarginMs: config.timeoutMarginMs,
    finalFlush: () => flush.strategy.shutdown(config.flushTimeoutMs),
    hooks,
    recordInvocation: signals.recordInvocation,
    resultsHeard: runtimeClient.active,
  });
  runtimeClient.observe(lifecycle);
  installCrashGuard(lifecycle);
  installHandlerPatch(location, taskRoot, createHandlerWrapper(lifecycle), {
    // A CommonJS handler requires its libraries (watched without module hooks); an ES module
    // handler's static imports of built-ins are over once it has loaded.
    onCommonJsLoadStart: instrumentations.stopWatchingImports,
    onLoaded: () => {
      instrumentations.stopWatchingImports();
      signals.captureConsole?.();
    },
  });
  // Last, so the collector handshake overlaps the runtime loading the handler.
  tracing.prepareExport();
  log.debug(`started in ${(performance.now() - startedAt).toFixed(1)} ms (handler ${handler}, flush ${config.flushMode}).`);
}
