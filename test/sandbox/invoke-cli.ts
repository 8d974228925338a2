/**
 * Invoke a function in the local Lambda and print its responses and the spans it exported.
 *
 *   node_modules/node24/bin/node test/sandbox/invoke-cli.ts --task-root DIR --handler index.handler \
 *     [--layer DIR] [--wrapper FILE] [--node 22|24] [--ric v3|v4] [--event JSON] [--count N] \
 *     [--timeout MS] [--memory MB] [--env KEY=VALUE]... [--quiet]
 *
 * With --layer, the exec wrapper defaults to <layer>/otel-handler when that file exists, and the
 * function exports to a local OTLP receiver (OTEL_EXPORTER_OTLP_ENDPOINT).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killAllFunctions } from './instance-registry.ts';
import { startFunction } from './launcher.ts';
import type { FunctionSpec } from './function-spec.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const { values } = parseArgs({
  options: {
    'task-root': { type: 'string' },
    handler: { type: 'string' },
    layer: { type: 'string' },
    wrapper: { type: 'string' },
    node: { type: 'string', default: '24' },
    ric: { type: 'string', default: 'v4' },
    event: { type: 'string', default: '{}' },
    count: { type: 'string', default: '1' },
    timeout: { type: 'string' },
    memory: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`invoke-cli: ${message}\n`);
  process.exit(2);
}

const taskRoot = values['task-root'] ?? fail('--task-root is required');
const handler = values.handler ?? fail('--handler is required');
const node = values.node === '22' ? 22 : values.node === '24' ? 24 : fail('--node must be 22 or 24');
const ric = values.ric === 'v3' || values.ric === 'v4' ? values.ric : fail('--ric must be v3 or v4');

// The runtime runs in its own process group, so Ctrl-C must be forwarded by killing it.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void killAllFunctions().finally(() => process.exit(130));
  });
}

const otlp = await startOtlpReceiver();
const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url };
for (const pair of values.env) {
  const eq = pair.indexOf('=');
  if (eq <= 0) fail(`--env expects KEY=VALUE, got '${pair}'`);
  env[pair.slice(0, eq)] = pair.slice(eq + 1);
}
const spec: FunctionSpec = { node, ric, taskRoot, handler, env, echoLogs: !values.quiet };
if (values.layer) {
  spec.layerDir = values.layer;
  const wrapper = values.wrapper ?? join(values.layer, 'otel-handler');
  if (values.wrapper || existsSync(wrapper)) spec.execWrapper = wrapper;
} else if (values.wrapper) {
  spec.execWrapper = values.wrapper;
}
if (values.timeout) spec.timeoutMs = Number(values.timeout);
if (values.memory) spec.memoryMb = Number(values.memory);

const event: unknown = JSON.parse(values.event);
const fn = await startFunction(spec);
try {
  for (let i = 0; i < Number(values.count); i++) {
    const r = await fn.invoke(event);
    const t = r.timings;
    const line = {
      requestId: r.requestId,
      status: r.status,
      body: r.body?.toString('utf8'),
      error: r.error && { errorType: r.error.errorType, errorMessage: r.error.errorMessage },
      initDurationMs: r.initDurationMs && Math.round(r.initDurationMs),
      responseMs: t.responseAt && Math.round(t.responseAt - t.sentAt),
      finishedMs: t.finishedAt && Math.round(t.finishedAt - t.sentAt),
      chunks: r.chunks?.length,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  process.stdout.write(`peak RSS: ${fn.peakRssKb() ?? '?'} kB\n`);
} finally {
  await fn.shutdown();
}
const spans = otlp.spans();
process.stdout.write(`spans received: ${spans.length} in ${otlp.requests.length} request(s)\n`);
for (const s of spans) {
  const ms = Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;
  process.stdout.write(`  ${s.traceId} ${s.spanId} <- ${s.parentSpanId || 'root'}  ${s.name}  kind=${s.kind} status=${s.status.code} ${ms.toFixed(1)}ms\n`);
}
await otlp.close();
