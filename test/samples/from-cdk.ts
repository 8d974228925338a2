/**
 * Reads a function from a CDK cloud assembly (`cdk synth`'s cdk.out): the template CDK deploys
 * and the asset directories and zips it uploads (the esbuild bundle, the layer zip).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitEnv, type DeployedFunction, type LayerSource } from './deployed-function.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export function readCdkTemplate(assemblyDir: string, stack: string): CfnTemplate {
  return JSON.parse(readFileSync(join(assemblyDir, `${stack}.template.json`), 'utf8')) as CfnTemplate;
}

/** The resource CDK synthesized for the construct at `constructPath` (e.g. `Stack/Function`). */
export function cdkResource(template: CfnTemplate, constructPath: string): [string, CfnResource] {
  const found = Object.entries(template.Resources).find(([, resource]) => resource.Metadata?.['aws:cdk:path'] === `${constructPath}/Resource`);
  if (found === undefined) throw new Error(`no resource for the construct ${constructPath} in the cloud assembly`);
  return found;
}

export function functionFromCdk(assemblyDir: string, stack: string, constructPath: string): DeployedFunction {
  const template = readCdkTemplate(assemblyDir, stack);
  const [logicalId, resource] = cdkResource(template, constructPath);
  const source = `${stack}.template.json: ${logicalId}`;
  const props = resource.Properties ?? {};
  const asset = resource.Metadata?.['aws:asset:path'];
  if (resource.Type !== 'AWS::Lambda::Function' || typeof asset !== 'string') throw new Error(`${source} is not a function with a code asset`);
  const layers = (props['Layers'] as unknown[] | undefined) ?? [];
  const variables = (props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  return {
    source,
    name: logicalId,
    runtime: String(props['Runtime']),
    handler: String(props['Handler']),
    codeDir: join(assemblyDir, asset),
    layers: layers.map((layer) => cdkLayer(template, assemblyDir, layer, source)),
    ...splitEnv(variables),
    ...(typeof props['MemorySize'] === 'number' ? { memoryMb: props['MemorySize'] } : {}),
    ...(typeof props['Timeout'] === 'number' ? { timeoutSeconds: props['Timeout'] } : {}),
  };
}

function cdkLayer(template: CfnTemplate, assemblyDir: string, layer: unknown, source: string): LayerSource {
  const ref = (layer as { Ref?: unknown } | null)?.Ref;
  const resource = typeof ref === 'string' ? template.Resources[ref] : undefined;
  const asset = resource?.Metadata?.['aws:asset:path'];
  if (resource?.Type !== 'AWS::Lambda::LayerVersion' || typeof asset !== 'string') {
    throw new Error(`${source}: layer ${JSON.stringify(layer)} is not a layer version built from an asset in this assembly`);
  }
  return { kind: 'zip', path: join(assemblyDir, asset) };
}
