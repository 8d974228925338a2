/**
 * Reads an `aws_lambda_function` from a Terraform configuration, parsed (not planned: that needs
 * the providers) with @cdktn/hcl2json. Values are resolved as far as they are known before
 * `terraform apply`: variable defaults, `path.module`, the archive_file the code is zipped from
 * and the aws_lambda_layer_version a layer ARN comes from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { splitEnv, type DeployedFunction, type LayerSource } from './deployed-function.ts';

/** hcl2json's shape: `resource.<type>.<name>` is a list of blocks, nested blocks are lists too. */
type Block = Record<string, unknown>;
export interface TerraformConfig {
  resource?: BlocksByType;
  data?: BlocksByType;
  variable?: Record<string, Block[]>;
}

/** Every `*.tf` file of a module directory, merged as Terraform merges them. */
export async function readTerraformModule(dir: string): Promise<TerraformConfig> {
  const merged: TerraformConfig = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.tf')).sort()) {
    const parsed = (await parse(file, readFileSync(join(dir, file), 'utf8'))) as TerraformConfig;
    merged.resource = mergeByType(merged.resource, parsed.resource);
    merged.data = mergeByType(merged.data, parsed.data);
    merged.variable = { ...merged.variable, ...parsed.variable };
  }
  return merged;
}

type BlocksByType = Record<string, Record<string, Block[]>>;

function mergeByType(into: BlocksByType | undefined, from: BlocksByType | undefined): BlocksByType {
  const out: BlocksByType = { ...into };
  for (const [type, byName] of Object.entries(from ?? {})) out[type] = { ...out[type], ...byName };
  return out;
}

export function terraformBlock(config: TerraformConfig, section: 'resource' | 'data', type: string, name: string): Block {
  const block = config[section]?.[type]?.[name]?.[0];
  if (block === undefined) throw new Error(`no ${section === 'data' ? 'data ' : ''}"${type}" "${name}" in the configuration`);
  return block;
}

/** A whole-value reference `${a.b.c}` as its parts, or undefined for anything else. */
export function referenceOf(value: unknown): string[] | undefined {
  const match = typeof value === 'string' ? /^\$\{([\w.-]+)\}$/.exec(value) : null;
  return match?.[1]?.split('.');
}

/** A value as known before apply: literals, variable defaults and `${path.module}`; undefined for anything else. */
function resolve(config: TerraformConfig, moduleDir: string, value: unknown): unknown {
  const ref = referenceOf(value);
  if (ref?.[0] === 'var' && ref.length === 2) return config.variable?.[ref[1] ?? '']?.[0]?.['default'];
  if (typeof value !== 'string') return value;
  const withModule = value.replaceAll('${path.module}', moduleDir);
  return withModule.includes('${') ? undefined : withModule;
}

export async function functionFromTerraform(moduleDir: string, name: string): Promise<DeployedFunction> {
  const config = await readTerraformModule(moduleDir);
  const source = `aws_lambda_function.${name}`;
  const fn = terraformBlock(config, 'resource', 'aws_lambda_function', name);
  const known = (key: string): unknown => resolve(config, moduleDir, fn[key]);
  const variables = ((fn['environment'] as Block[] | undefined)?.[0]?.['variables'] ?? {}) as Record<string, unknown>;
  const resolved = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, resolve(config, moduleDir, value)]));
  return {
    source,
    name: String(known('function_name') ?? name),
    runtime: String(known('runtime')),
    handler: String(known('handler')),
    codeDir: codeDirOf(config, moduleDir, fn['filename'], source),
    layers: ((fn['layers'] as unknown[] | undefined) ?? []).map((layer) => layerOf(config, moduleDir, layer, source)),
    ...splitEnv(resolved),
    ...(typeof known('memory_size') === 'number' ? { memoryMb: known('memory_size') as number } : {}),
    ...(typeof known('timeout') === 'number' ? { timeoutSeconds: known('timeout') as number } : {}),
  };
}

/** The directory an `archive_file` zips: what Lambda unpacks into /var/task. */
function codeDirOf(config: TerraformConfig, moduleDir: string, filename: unknown, source: string): string {
  const ref = referenceOf(filename);
  if (ref?.[0] !== 'data' || ref[1] !== 'archive_file' || ref[3] !== 'output_path') {
    throw new Error(`${source}: filename must be an archive_file's output_path to run locally, got ${JSON.stringify(filename)}`);
  }
  const sourceDir = resolve(config, moduleDir, terraformBlock(config, 'data', 'archive_file', ref[2] ?? '')['source_dir']);
  if (typeof sourceDir !== 'string') throw new Error(`${source}: the archive_file's source_dir is not known before apply`);
  return resolvePath(moduleDir, sourceDir);
}

function layerOf(config: TerraformConfig, moduleDir: string, layer: unknown, source: string): LayerSource {
  const ref = referenceOf(layer);
  if (ref?.[0] !== 'aws_lambda_layer_version' || ref[2] !== 'arn') throw new Error(`${source}: layer ${JSON.stringify(layer)} is not an aws_lambda_layer_version of this configuration`);
  const filename = resolve(config, moduleDir, terraformBlock(config, 'resource', 'aws_lambda_layer_version', ref[1] ?? '')['filename']);
  if (typeof filename !== 'string') throw new Error(`${source}: the layer's filename is not known before apply`);
  // Terraform reads relative paths from the directory it runs in: the module's, for a root module.
  return { kind: 'zip', path: resolvePath(moduleDir, filename) };
}
