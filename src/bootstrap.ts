/**
 * The layer's entry, preloaded by `otel-handler` (NODE_OPTIONS --import) into the runtime
 * process, and, because Node runs a preload in every thread and NODE_OPTIONS is inherited, into
 * every worker thread and every node child process as well. Its first decision, before anything
 * else is loaded, is whether this is the runtime (see claimRuntime): anywhere else it returns at
 * once and leaves no trace.
 *
 * Then one fail-open guard around everything: a preload that throws, or a layer file that cannot
 * be loaded at all (a corrupt or partial layer), would otherwise stop the runtime before the
 * function's code is even read. Here it costs one log line and the function runs untraced.
 * The rest of the layer is imported dynamically so that even its load errors land in this catch.
 */
import { claimRuntime } from './runtime-process.ts';

const PREFIX = '[otel-lambda]';
// Where the layer's share of init begins (the init span shows it).
const startedAt = performance.now();

if (claimRuntime(process.env)) {
  try {
    const { startLayer } = await import('./start-layer.ts');
    await startLayer(startedAt);
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(
      `${PREFIX} ERROR failed to start (${reason}); the function runs without tracing. ` +
        'Set OTEL_LOG_LEVEL=debug for details, or OTEL_LAMBDA_DISABLED=true to switch the layer off.\n',
    );
    // Configuration may be what failed to load, so the level is read here directly.
    if (process.env['OTEL_LOG_LEVEL']?.toLowerCase() === 'debug' && error instanceof Error) {
      process.stderr.write(`${PREFIX} DEBUG ${error.stack ?? ''}\n`);
    }
  }
}
