import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type OtlpReceiver } from '../sandbox/index.ts';
import { HANDLER_FIXTURES, REPO_ROOT, UNPACKED_LAYER_DIR } from '../support/paths.ts';
import { withFunction } from '../support/layer-function.ts';
import { isInvocationSpanOf } from '../support/differential.ts';

jest.setTimeout(60_000);

describe('combined with the collector layer', () => {
  let receiver: OtlpReceiver;
  let opt: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // Lambda merges every layer of a function into /opt: ours and the collector's extension.
    opt = mkdtempSync(join(tmpdir(), 'opt-with-collector-'));
    cpSync(UNPACKED_LAYER_DIR, opt, { recursive: true });
    mkdirSync(join(opt, 'extensions'), { recursive: true });
    cpSync(join(REPO_ROOT, 'test/fixtures/extensions/collector-stand-in'), join(opt, 'extensions/collector'));
    chmodSync(join(opt, 'extensions/collector'), 0o755);
  });

  afterAll(async () => {
    await receiver?.close();
    rmSync(opt, { recursive: true, force: true });
  });

  it('sends spans to the collector extension on localhost:4318 with no endpoint configured, before the invocation finishes', async () => {
    const results = await withFunction(
      startFunction({
        node: 24,
        ric: 'v4',
        taskRoot: join(HANDLER_FIXTURES, 'cjs'),
        handler: 'index.handler',
        functionName: 'with-collector',
        layerDir: opt,
        execWrapper: join(opt, 'otel-handler'),
        env: { COLLECTOR_FORWARD_URL: receiver.url },
      }),
      async (fn) => {
        const invoked = [await fn.invoke({ echo: 1 }), await fn.invoke({ echo: 2 })];
        const registered = fn.environment()?.api.extensions().map((extension) => extension.name);
        return { invoked, registered };
      },
    );

    expect(results.registered).toContain('collector');
    for (const result of results.invoked) {
      expect(result.status).toBe('success');
      const span = receiver.spans().find((candidate) => isInvocationSpanOf(candidate, result.requestId));
      expect(span?.resource['faas.name']).toBe('with-collector');
      const request = receiver.requests.find((candidate) => candidate.spans.includes(span!));
      expect(request!.receivedAt).toBeLessThan(result.timings.finishedAt!);
    }
  });
});
