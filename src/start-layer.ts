/**
 * Starts the layer: configuration, the trace pipeline, instrumentations and the handler patch.
 * Loaded by bootstrap.ts inside its fail-open guard.
 */
import { loadConfig } from './config/index.ts';
import { SyncFlush } from './flush/sync-flush.ts';
import { createHandlerWrapper } from './handler/wrap-handler.ts';
import { installHandlerPatch } from './handler/install-handler-patch.ts';
import { resolveHandlerLocation } from './handler/resolve-handler.ts';
import { startInstrumentations } from './instrumentations/register-instrumentations.ts';
import { installCrashGuard } from './invocation/crash-guard.ts';
import { createInvocationLifecycle } from './invocation/lifecycle.ts';
import { OpenSpanTracker } from './invocation/open-spans.ts';
import { log, setLogLevel } from './log.ts';
import { routeDiagnostics } from './sdk/route-diagnostics.ts';
import { startTracing } from './sdk/start-tracing.ts';

const SHUTDOWN_TIMEOUT_MS = 1500;

export function startLayer(): void {
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

  const openSpans = new OpenSpanTracker();
  const tracing = startTracing(config, [openSpans]);
  for (const warning of tracing.warnings) log.warn(warning);
  startInstrumentations(config, tracing.provider, config.lambda.runtimeApi);
  const flush = new SyncFlush(tracing.provider, {
    flushTimeoutMs: config.flushTimeoutMs,
    deadlineMarginMs: config.deadlineMarginMs,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  });
  const lifecycle = createInvocationLifecycle({
    tracer: tracing.tracer,
    flush,
    openSpans,
    functionName: config.lambda.functionName,
    timeoutMarginMs: config.timeoutMarginMs,
  });
  installCrashGuard(lifecycle);
  installHandlerPatch(location, taskRoot, createHandlerWrapper(lifecycle));
  log.debug(`started in ${(performance.now() - startedAt).toFixed(1)} ms (handler ${handler}).`);
}
