/**
 * A sample's `local-run.json`: how `run.sh` runs it in the local Lambda. The function itself is
 * read from the sample's deployment files; this only says what stands in for AWS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDbItem } from '../support/aws-stub-server.ts';
import type { StubAnswer } from '../support/local-http-server.ts';

/** What stands in for a layer ARN parameter: the built layer zip, or the collector layer's extension. */
export type LayerStandIn = 'built-layer' | 'collector-stand-in';

export type DeploymentSource =
  | { readonly sam: string; readonly function: string }
  | { readonly cdk: string; readonly stack: string; readonly construct: string }
  | { readonly terraform: string; readonly function: string }
  | { readonly dockerfile: string; readonly functionName: string };

export interface SampleConfig {
  readonly deployment: DeploymentSource;
  /** Event files, sent in order, as the trigger sends them. */
  readonly events: readonly string[];
  readonly layerParameters?: Readonly<Record<string, LayerStandIn>>;
  /**
   * Variables for the local run, over the deployed ones. `{downstream}` is the downstream stub's
   * URL, `{aws}` the AWS stub's.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** The downstream stub's answers by `METHOD /path`; anything else gets 404. */
  readonly downstream?: Readonly<Record<string, StubAnswer>>;
  /** Items of the AWS stub's DynamoDB tables. */
  readonly dynamodb?: Readonly<Record<string, DynamoDbItem[]>>;
}

export const SAMPLE_CONFIG_FILE = 'local-run.json';

export function readSampleConfig(sampleDir: string): SampleConfig {
  return JSON.parse(readFileSync(join(sampleDir, SAMPLE_CONFIG_FILE), 'utf8')) as SampleConfig;
}
