/**
 * What serving the function's own `@opentelemetry/api` copies costs, from repeated process
 * starts on Node 24: each phase of the layer's API setup and of a function's first use of its
 * copy, with the bridge and without it, interleaved (bridge, none, none, bridge, …) so drift
 * falls on both alike. Prints medians and min–max in milliseconds (per call in nanoseconds).
 *   node_modules/node24/bin/node test/bench/api-bridge-cost.ts [--starts N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { layerApiGlobalPlugin } from '../../layer-build/layer-api-global-plugin.mjs';
import { runtimePaths } from '../sandbox/index.ts';
import { HANDLER_VARIANTS, handlerFileOf, prepareApiTaskRoot, REGISTRY_API_COPIES } from '../support/user-api-copies.ts';
import { summarize } from './stats.ts';

const PROBE = join(import.meta.dirname, 'api-bridge-probe.mjs');
const NODE_24 = runtimePaths(24, 'v4').nodeBinary;
const PHASES = ['install', 'layerRegistrations', 'handlerLoad', 'firstInvocation', 'layerCallNs', 'functionCallNs'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({ options: { starts: { type: 'string', default: '21' } } });
const starts = Number(values.starts);

const workDir = mkdtempSync(join(tmpdir(), 'otel-lambda-api-bridge-cost-'));
try {
  // Bundled as the layer is: ES module, the OpenTelemetry packages' ES module builds, the API
  // copy pointed at the layer's own API global.
  const probe = join(workDir, 'probe.mjs');
  await build({
    entryPoints: [PROBE],
    outfile: probe,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    plugins: [layerApiGlobalPlugin()],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const latest = REGISTRY_API_COPIES.at(-1)!;
  const oldest = REGISTRY_API_COPIES[0]!;
  const latestRoot = await prepareApiTaskRoot(workDir, latest);
  const oldestRoot = await prepareApiTaskRoot(workDir, oldest);
  const variant = (style: number): string => handlerFileOf(HANDLER_VARIANTS[style]!);
  const functions: { name: string; handler?: string }[] = [
    { name: 'no API copy of its own' },
    { name: `${latest.version}, required from node_modules`, handler: join(latestRoot, variant(0)) },
    { name: `${latest.version}, minified ES module bundle`, handler: join(latestRoot, variant(5)) },
    { name: `${oldest.version}, minified CommonJS bundle`, handler: join(oldestRoot, variant(3)) },
  ];
  for (const fn of functions) {
    const samples: Record<'bridge' | 'none', Record<Phase, number[]>> = {
      bridge: Object.fromEntries(PHASES.map((phase) => [phase, []])) as unknown as Record<Phase, number[]>,
      none: Object.fromEntries(PHASES.map((phase) => [phase, []])) as unknown as Record<Phase, number[]>,
    };
    for (let round = 0; round < starts; round++) {
      for (const mode of round % 2 === 0 ? (['bridge', 'none'] as const) : (['none', 'bridge'] as const)) {
        const output = execFileSync(NODE_24, [probe, mode, ...(fn.handler === undefined ? [] : [fn.handler])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const phases = JSON.parse(output) as Record<Phase, number | null>;
        for (const phase of PHASES) if (phases[phase] !== null) samples[mode][phase].push(phases[phase]);
      }
    }
    console.log(`\n${fn.name} (${starts} starts each, median [min – max])`);
    for (const phase of PHASES.filter((name) => samples.bridge[name].length > 0)) {
      const unit = phase.endsWith('Ns') ? 'ns' : 'ms';
      const digits = unit === 'ns' ? 1 : 3;
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
