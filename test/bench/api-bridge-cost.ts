/**
 * What serving the function's own `@opentelemetry/api` copies costs, from repeated process
 * starts on Node 24: each phase of the layer's API setup and of a function's first use of its
 * copy, with the bridge and without it (as before it: the layer's copy on globalThis),
 * interleaved (bridge, none, none, bridge, …) so drift falls on both alike. Prints medians and
 * min–max in milliseconds, per API call in nanoseconds, per span in microseconds.
 *   node_modules/node24/bin/node test/bench/api-bridge-cost.ts [--starts N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { layerApiGlobalPlugin } from '../../layer-build/layer-api-global-plugin.mjs';
import { LAYER_API_VERSION } from '../../src/api-bridge/layer-api-version.generated.ts';
import { runtimePaths } from '../sandbox/index.ts';
import { HANDLER_VARIANTS, handlerFileOf, prepareApiTaskRoot, REGISTRY_API_COPIES } from '../support/user-api-copies.ts';
import { summarize } from './stats.ts';

const PROBE = join(import.meta.dirname, 'api-bridge-probe.mjs');
const NODE_24 = runtimePaths(24, 'v4').nodeBinary;
const PHASES = ['install', 'layerRegistrations', 'handlerLoad', 'firstInvocation', 'layerCallNs', 'functionCallNs', 'functionSpanUs'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({ options: { starts: { type: 'string', default: '21' } } });
const starts = Number(values.starts);

const workDir = mkdtempSync(join(tmpdir(), 'otel-lambda-api-bridge-cost-'));
try {
  // Bundled as the layer is (ES module, the OpenTelemetry packages' ES module builds) and, with
  // the bridge, with the API copy pointed at the layer's own API global; without it, as before
  // the bridge, the layer's copy registers on globalThis.
  const probes = { bridge: join(workDir, 'probe-bridge.mjs'), none: join(workDir, 'probe-none.mjs') };
  for (const mode of ['bridge', 'none'] as const) {
    await build({
      entryPoints: [PROBE],
      outfile: probes[mode],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      plugins: mode === 'bridge' ? [layerApiGlobalPlugin()] : [],
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      logLevel: 'warning',
    });
  }
  const latest = REGISTRY_API_COPIES.at(-1)!;
  const oldest = REGISTRY_API_COPIES[0]!;
  const latestRoot = await prepareApiTaskRoot(workDir, latest);
  const oldestRoot = await prepareApiTaskRoot(workDir, oldest);
  // Served without the bridge too: what the bridge adds to each call of a working copy.
  const layerVersion = REGISTRY_API_COPIES.find((copy) => copy.version === LAYER_API_VERSION)!;
  const layerRoot = await prepareApiTaskRoot(workDir, layerVersion);
  const variant = (style: number): string => handlerFileOf(HANDLER_VARIANTS[style]!);
  const functions: { name: string; handler?: string }[] = [
    { name: 'no API copy of its own' },
    { name: `${latest.version}, required from node_modules`, handler: join(latestRoot, variant(0)) },
    { name: `${latest.version}, minified ES module bundle`, handler: join(latestRoot, variant(5)) },
    { name: `${oldest.version}, minified CommonJS bundle`, handler: join(oldestRoot, variant(3)) },
    { name: `${layerVersion.version} (the layer's own version), required from node_modules`, handler: join(layerRoot, variant(0)) },
  ];
  for (const fn of functions) {
    const samples: Record<'bridge' | 'none', Record<Phase, number[]>> = {
      bridge: Object.fromEntries(PHASES.map((phase) => [phase, []])) as unknown as Record<Phase, number[]>,
      none: Object.fromEntries(PHASES.map((phase) => [phase, []])) as unknown as Record<Phase, number[]>,
    };
    for (let round = 0; round < starts; round++) {
      for (const mode of round % 2 === 0 ? (['bridge', 'none'] as const) : (['none', 'bridge'] as const)) {
        const output = execFileSync(NODE_24, [probes[mode], mode, ...(fn.handler === undefined ? [] : [fn.handler])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const phases = JSON.parse(output) as Record<Phase, number | null>;
        for (const phase of PHASES) if (phases[phase] !== null) samples[mode][phase].push(phases[phase]);
      }
    }
    console.log(`\n${fn.name} (${starts} starts each, median [min – max])`);
    for (const phase of PHASES.filter((name) => samples.bridge[name].length > 0)) {
      const unit = phase.endsWith('Ns') ? 'ns' : phase.endsWith('Us') ? 'µs' : 'ms';
      const digits = unit === 'ns' ? 1 : unit === 'µs' ? 2 : 3;
      const show = (mode: 'bridge' | 'none'): string => {
        const summary = summarize(samples[mode][phase]);
        return `${summary.median.toFixed(digits)} [${summary.min.toFixed(digits)} – ${summary.max.toFixed(digits)}]`;
      };
      const added = summarize(samples.bridge[phase]).median - summarize(samples.none[phase]).median;
      console.log(`  ${phase.padEnd(20)} bridge ${show('bridge').padEnd(30)} none ${show('none').padEnd(30)} added ${added >= 0 ? '+' : ''}${added.toFixed(digits)} ${unit}`);
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
