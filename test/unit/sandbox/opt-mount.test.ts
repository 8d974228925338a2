/**
 * The local Lambda runs a layer mounted at /opt, as Lambda does, for layers whose scripts
 * hard-code /opt (the upstream OpenTelemetry layer's wrapper does). The fixture layer's wrapper
 * preloads /opt/opt-hardcoded/preload.cjs and its extension runs /opt/opt-hardcoded/extension.cjs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canMountAtOpt, killAllFunctions, startFunction } from '../../sandbox/index.ts';
import { pathAtOpt } from '../../sandbox/opt-mount.ts';
import { HANDLER_FIXTURES, REPO_ROOT } from '../../support/paths.ts';

jest.setTimeout(30_000);

const LAYER = join(REPO_ROOT, 'test', 'fixtures', 'layers', 'opt-hardcoded');
const spec = { node: 24 as const, ric: 'v4' as const, taskRoot: join(HANDLER_FIXTURES, 'bench-hello'), handler: 'index.handler', layerDir: LAYER, execWrapper: join(LAYER, 'otel-handler') };

afterAll(async () => {
  await killAllFunctions();
});

describe('a layer that hard-codes /opt', () => {
  it('can be mounted at /opt on this machine (root, unshare)', () => {
    // Act
    const supported = canMountAtOpt();

    // Assess
    expect(supported).toBe(true);
  });

  it('runs with its wrapper and extension under /opt when mounted there, leaving the host /opt alone', async () => {
    // Prepare
    const hostOpt = readdirSync('/opt').sort();
    const fn = await startFunction({ ...spec, mountLayerAtOpt: true });
    try {
      // Act
      const result = await fn.invoke({ name: 'opt' });

      // Assess
      expect(result.status).toBe('success');
      expect(JSON.parse(result.body!.toString('utf8'))).toEqual({ statusCode: 200, body: JSON.stringify({ hello: 'opt' }) });
      const lines = fn.logs.map((line) => line.line);
      expect(lines).toContain('[opt-hardcoded] preloaded /opt/opt-hardcoded/preload.cjs');
      expect(lines).toContain('[opt-hardcoded] extension registered from /opt/opt-hardcoded/extension.cjs');
      expect(fn.environment()?.api.extensions().map((extension) => extension.name)).toEqual(['opt-check']);
      expect(fn.peakRssKb()).toBeGreaterThan(10_000);
    } finally {
      await fn.shutdown();
    }
    expect(readdirSync('/opt').sort()).toEqual(hostOpt);
  });

  it('fails init from its own directory, as it would anywhere but /opt', async () => {
    // Prepare
    const fn = await startFunction({ ...spec, execWrapper: join(LAYER, 'otel-handler'), layerDir: join(LAYER, 'opt-hardcoded') });
    try {
      // Act
      const result = await fn.invoke({ name: 'elsewhere' });

      // Assess
      expect(result.status).toBe('init-error');
      expect(result.error?.errorType).toBe('Runtime.ExitError');
    } finally {
      await fn.shutdown();
    }
  });

  it('names a path outside the layer instead of guessing where it is mounted', () => {
    // Act
    const outside = (): string => pathAtOpt(LAYER, '/usr/bin/node');

    // Assess
    expect(pathAtOpt(LAYER, join(LAYER, 'otel-handler'))).toBe('/opt/otel-handler');
    expect(outside).toThrow(/not inside the layer/);
  });
});
