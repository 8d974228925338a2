/**
 * The one-command demo (`./run.sh`): the built layer zip, unpacked like Lambda unpacks it into
 * /opt, traces a sample function in the local Lambda on Node 24 with aws-lambda-ric 4.
 * Prints each response and the traces the OTLP receiver got, as waterfalls: the first
 * invocation's holds the cold start's init span (src/coldstart/).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startOtlpReceiver } from '../sandbox/index.ts';
import { renderTraceTree } from '../sandbox/trace-tree.ts';
import { startLocalHttpServer } from '../support/local-http-server.ts';
import { startWithLayer } from '../support/layer-function.ts';
import { LAYER_ZIP, REPO_ROOT, UNPACKED_LAYER_DIR } from '../support/paths.ts';
import { unzipTo } from '../support/unzip.ts';

const INVOCATIONS = ['1001', '1002', '1003'];

rmSync(UNPACKED_LAYER_DIR, { recursive: true, force: true });
const files = await unzipTo(LAYER_ZIP, UNPACKED_LAYER_DIR);
console.log(`\nlayer ${LAYER_ZIP} unpacked to ${UNPACKED_LAYER_DIR} (${files.length} files)`);

const receiver = await startOtlpReceiver();
const inventory = await startLocalHttpServer({ inStock: true });
const fn = await startWithLayer({
  node: 24,
  ric: 'v4',
  taskRoot: join(REPO_ROOT, 'samples', 'orders-api'),
  handler: 'index.handler',
  functionName: 'orders-api',
  env: { INVENTORY_URL: inventory.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
});

try {
  console.log('function orders-api (samples/orders-api/index.mjs) on Node 24, aws-lambda-ric 4, AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-handler\n');
  for (const orderId of INVOCATIONS) {
    const result = await fn.invoke({ rawPath: `/orders/${orderId}`, pathParameters: { orderId } });
    const took = (result.timings.responseAt ?? 0) - result.timings.sentAt;
    const init = result.initDurationMs === undefined ? '' : `, init ${result.initDurationMs.toFixed(0)} ms`;
    console.log(`invoke ${result.requestId}: ${result.status} in ${took.toFixed(1)} ms${init}`);
    console.log(`  response ${result.body?.toString() ?? JSON.stringify(result.error)}`);
  }
  const spans = await receiver.waitForSpans((received) => received.filter((span) => span.parentSpanId === '' || span.kind === 2).length >= INVOCATIONS.length, 5000);
  console.log(`\nthe OTLP receiver got ${spans.length} spans in ${receiver.requests.length} requests (${receiver.requests[0]?.contentType ?? 'none'}):\n`);
  console.log(renderTraceTree(spans));
} finally {
  await fn.shutdown();
  await inventory.close();
  await receiver.close();
}
