/**
 * A Lambda function as its deployment files describe it (SAM template, CDK cloud assembly,
 * Terraform configuration, Dockerfile), read without deploying anything, so that the local run
 * starts what the tool would deploy.
 */
import type { NodeMajor, RicVersion } from '../sandbox/index.ts';

/** Where a layer's files come from. Lambda unpacks a function's layers into /opt, in order. */
export type LayerSource =
  /** A zip the tool uploads (CDK asset, Terraform `filename`). */
  | { readonly kind: 'zip'; readonly path: string }
  /** A directory already laid out as /opt (a container image's). */
  | { readonly kind: 'directory'; readonly path: string }
  /** A layer version ARN given at deploy time (a template parameter); the sample's local-run.json names its stand-in. */
  | { readonly kind: 'parameter'; readonly name: string };

export interface DeployedFunction {
  /** Where the definition was read, for messages (`template.yaml: OrdersFunction`). */
  readonly source: string;
  readonly name: string;
  /** Lambda's runtime identifier, e.g. `nodejs24.x`. */
  readonly runtime: string;
  readonly handler: string;
  /** The code as Lambda unpacks it into /var/task. */
  readonly codeDir: string;
  readonly layers: readonly LayerSource[];
  /** Variables with a literal value. */
  readonly env: Readonly<Record<string, string>>;
  /** Variables whose value is known only once deployed (a reference to another resource). */
  readonly deployTimeEnv: readonly string[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** A container image's file system root, standing in for `/`. */
  readonly imageRoot?: string;
}

/**
 * The local Lambda's runtime for a managed runtime identifier: ric 4 is what `nodejs24.x` runs;
 * for `nodejs22.x`, ric 3 is the closest to the classic runtime (see the README's local Lambda).
 */
export function localRuntimeOf(runtime: string): { node: NodeMajor; ric: RicVersion } {
  if (runtime === 'nodejs24.x') return { node: 24, ric: 'v4' };
  if (runtime === 'nodejs22.x') return { node: 22, ric: 'v3' };
  throw new Error(`runtime ${runtime} is not one the layer supports (nodejs22.x, nodejs24.x)`);
}

/** Only the literal strings of a variables map; the other names are returned apart. */
export function splitEnv(variables: Record<string, unknown> | undefined): { env: Record<string, string>; deployTimeEnv: string[] } {
  const env: Record<string, string> = {};
  const deployTimeEnv: string[] = [];
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (typeof value === 'string') env[name] = value;
    else deployTimeEnv.push(name);
  }
  return { env, deployTimeEnv };
}
