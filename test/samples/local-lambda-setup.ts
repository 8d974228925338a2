/**
 * Turns a deployed function into what the local Lambda runs: /opt laid out from its layers (or
 * their stand-ins), its variables with Lambda's paths mapped onto this run's directories, and
 * the stubs standing in for AWS and the downstream services.
 */
import { chmodSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startAwsStubServer, type AwsStubServer } from '../support/aws-stub-server.ts';
import { startRoutedHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { LAYER_ZIP, REPO_ROOT } from '../support/paths.ts';
import { unzipTo } from '../support/unzip.ts';
import type { DeployedFunction } from './deployed-function.ts';
import type { SampleConfig } from './sample-config.ts';

/** Stands in for the OpenTelemetry Collector Lambda layer's extension (receives on localhost:4318). */
export const COLLECTOR_STAND_IN = join(REPO_ROOT, 'test', 'fixtures', 'extensions', 'collector-stand-in');

export interface LaidOutOpt {
  readonly dir: string;
  /** One line per layer: what it is in this run. */
  readonly description: string[];
  readonly withCollector: boolean;
}

/** Lambda extracts a function's layers into /opt in order, later ones over earlier ones. */
export async function layOutOpt(fn: DeployedFunction, config: SampleConfig, workDir: string): Promise<LaidOutOpt> {
  const only = fn.layers[0];
  if (fn.layers.length === 1 && only?.kind === 'directory') return { dir: only.path, description: [`${only.path} (the image's /opt)`], withCollector: false };
  const dir = join(workDir, 'opt');
  mkdirSync(dir, { recursive: true });
  const description: string[] = [];
  let withCollector = false;
  for (const layer of fn.layers) {
    if (layer.kind === 'zip') {
      await unzipTo(layer.path, dir);
      description.push(`${layer.path} unpacked`);
    } else if (layer.kind === 'directory') {
      cpSync(layer.path, dir, { recursive: true });
      description.push(`${layer.path} copied`);
    } else {
      const standIn = config.layerParameters?.[layer.name];
      if (standIn === 'built-layer') {
        await unzipTo(LAYER_ZIP, dir);
        description.push(`${layer.name}: the built layer ${LAYER_ZIP} unpacked`);
      } else if (standIn === 'collector-stand-in') {
        mkdirSync(join(dir, 'extensions'), { recursive: true });
        cpSync(COLLECTOR_STAND_IN, join(dir, 'extensions', 'collector'));
        chmodSync(join(dir, 'extensions', 'collector'), 0o755);
        withCollector = true;
        description.push(`${layer.name}: a stand-in for the collector layer's extension (OTLP receiver on localhost:4318)`);
      } else {
        throw new Error(`${fn.source}: local-run.json's layerParameters does not say what stands in for the layer parameter ${layer.name}`);
      }
    }
  }
  return { dir, description, withCollector };
}

/** A path inside Lambda's environment (/opt/…, /var/task/…) where it is in this run; anything else unchanged. */
export function lambdaPathMapper(optDir: string, codeDir: string): (value: string) => string {
  return (value) => {
    if (value === '/opt' || value.startsWith('/opt/')) return optDir + value.slice('/opt'.length);
    if (value === '/var/task' || value.startsWith('/var/task/')) return codeDir + value.slice('/var/task'.length);
    return value;
  };
}

export interface Stubs {
  readonly aws?: AwsStubServer;
  readonly downstream?: LocalHttpServer;
  close(): Promise<void>;
}

function mentions(config: SampleConfig, placeholder: string): boolean {
  return Object.values(config.env ?? {}).some((value) => value.includes(placeholder));
}

export async function startStubs(config: SampleConfig): Promise<Stubs> {
  const aws = config.dynamodb !== undefined || mentions(config, '{aws}') ? await startAwsStubServer({ dynamoDbTables: config.dynamodb ?? {} }) : undefined;
  const downstream = config.downstream !== undefined || mentions(config, '{downstream}') ? await startRoutedHttpServer(config.downstream ?? {}) : undefined;
  return {
    ...(aws === undefined ? {} : { aws }),
    ...(downstream === undefined ? {} : { downstream }),
    close: async () => {
      await Promise.all([aws?.close(), downstream?.close()]);
    },
  };
}

/** The local run's variables: the deployed ones (paths mapped), then local-run.json's with the stubs' URLs. */
export function localEnv(fn: DeployedFunction, config: SampleConfig, stubs: Stubs, mapPath: (value: string) => string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.env)) env[name] = mapPath(value);
  for (const [name, value] of Object.entries(config.env ?? {})) {
    env[name] = value.replaceAll('{aws}', stubs.aws?.url ?? '').replaceAll('{downstream}', stubs.downstream?.url ?? '');
  }
  return env;
}
