/** The benchmark's command line. */
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../support/paths.ts';

export const NODE_MAJORS = [24, 22] as const;
export const FUNCTION_NAMES = ['hello', 'realistic', 'logging'] as const;
/** `logging` measures log correlation only, when asked for. */
const DEFAULT_FUNCTIONS = ['hello', 'realistic'] as const;
/** Background flush is for Lambda Managed Instances only, a different invocation model; not benchmarked. */
export const FLUSH_MODES = ['sync', 'deferred'] as const;

export type BenchNode = (typeof NODE_MAJORS)[number];
export type BenchFunctionName = (typeof FUNCTION_NAMES)[number];
export type BenchFlushMode = (typeof FLUSH_MODES)[number];

export interface BenchOptions {
  cold: number;
  warm: number;
  nodes: BenchNode[];
  functions: BenchFunctionName[];
  modes: BenchFlushMode[];
  compareDir?: string;
  compareWrapper: string;
  compareEnv: Record<string, string>;
  jsonPath: string;
  breakdown: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

Measures the built layer (dist/otel-lambda-layer.zip, unpacked like Lambda's /opt) against the
bare runtime in the local Lambda, interleaved, at 1024 MB.

  --cold N               cold starts per subject and variant (default 10)
  --warm N               warm invocations after each cold start (default 200)
  --node 24|22           runtimes (Node 24 runs aws-lambda-ric 4, Node 22 runs 3); repeatable or comma-separated (default both)
  --function hello|realistic|logging   functions (default hello and realistic; logging writes ten
                         console lines per invocation in Lambda's JSON log format)
  --mode sync|deferred   the layer's OTEL_LAMBDA_FLUSH_MODE (default both; sync is the layer's default)
  --compare DIR          also measure another layer laid out like /opt, interleaved with the rest
  --compare-wrapper NAME its exec wrapper inside DIR (default otel-handler)
  --compare-env K=V      an environment variable for the compared layer only; repeatable
  --json FILE            where to write the results (default dist/bench/results.json)
  --no-breakdown         skip the extra cold starts that break the layer's init down
  --help
`;

export class UsageError extends Error {}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return value;
}

function choices<T extends string | number>(name: string, given: string[] | undefined, allowed: readonly T[], defaults: readonly T[] = allowed): T[] {
  if (given === undefined) return [...defaults];
  const picked = given.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  const out: T[] = [];
  for (const value of picked) {
    const match = allowed.find((candidate) => String(candidate) === value);
    if (match === undefined) throw new UsageError(`--${name} "${value}" is not one of ${allowed.join(', ')}`);
    if (!out.includes(match)) out.push(match);
  }
  return out;
}

function keyValues(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--compare-env expects KEY=VALUE, got "${pair}"`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/** Throws UsageError for a bad command line; returns undefined for --help. */
export function parseOptions(argv: string[]): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        cold: { type: 'string' },
        warm: { type: 'string' },
        node: { type: 'string', multiple: true },
        function: { type: 'string', multiple: true },
        mode: { type: 'string', multiple: true },
        compare: { type: 'string' },
        'compare-wrapper': { type: 'string' },
        'compare-env': { type: 'string', multiple: true },
        json: { type: 'string' },
        'no-breakdown': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help === true) return undefined;
  const jsonPath = values.json ?? join(REPO_ROOT, 'dist', 'bench', 'results.json');
  return {
    cold: positiveInt('cold', values.cold, 10),
    warm: positiveInt('warm', values.warm, 200),
    nodes: choices('node', values.node, NODE_MAJORS),
    functions: choices('function', values.function, FUNCTION_NAMES, DEFAULT_FUNCTIONS),
    modes: choices('mode', values.mode, FLUSH_MODES),
    ...(values.compare !== undefined ? { compareDir: resolve(values.compare) } : {}),
    compareWrapper: values['compare-wrapper'] ?? 'otel-handler',
    compareEnv: keyValues(values['compare-env']),
    jsonPath: isAbsolute(jsonPath) ? jsonPath : resolve(jsonPath),
    breakdown: values['no-breakdown'] !== true,
  };
}
