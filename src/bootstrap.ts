/**
 * The layer's entry, preloaded into the runtime process by `otel-handler` (NODE_OPTIONS --import).
 * Everything runs inside one fail-open guard: whatever goes wrong here, the function still runs,
 * untraced, and one log line says why.
 */
import { loadConfig } from './config/index.ts';
import { SyncFlush } from './flush/sync-flush.ts';
import { createHandlerWrapper } from './handler/wrap-handler.ts';
import { installHandlerPatch } from './handler/install-handler-patch.ts';
import { resolveHandlerLocation } from './handler/resolve-handler.ts';
import { startInstrumentations } from './instrumentations/register-instrumentations.ts';
import { createInvocationLifecycle } from './invocation/lifecycle.ts';
import { describeError, log, setLogLevel } from './log.ts';
import { startTracing } from './sdk/start-tracing.ts';

const SHUTDOWN_TIMEOUT_MS = 1500;

function startLayer(): void {
  const startedAt = performance.now();
  const { config, warnings } = loadConfig(process.env);
  setLogLevel(config.logLevel);
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

  const tracing = startTracing(config);
  for (const warning of tracing.warnings) log.warn(warning);
  startInstrumentations(config, tracing.provider, config.lambda.runtimeApi);
  const flush = new SyncFlush(tracing.provider, {
    flushTimeoutMs: config.flushTimeoutMs,
    deadlineMarginMs: config.deadlineMarginMs,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  });
  const lifecycle = createInvocationLifecycle({ tracer: tracing.tracer, flush, functionName: config.lambda.functionName });
  installHandlerPatch(location, taskRoot, createHandlerWrapper(lifecycle));
  log.debug(`started in ${(performance.now() - startedAt).toFixed(1)} ms (handler ${handler}).`);
}

try {
  startLayer();
} catch (error) {
  log.error(`failed to start (${describeError(error)}); the function runs without tracing. Set OTEL_LOG_LEVEL=debug for details.`);
  if (log.isDebug() && error instanceof Error && error.stack !== undefined) log.debug(error.stack);
}
