/** Reads an `AWS::Serverless::Function` from a SAM template (YAML with CloudFormation's short-form tags). */
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';
import { splitEnv, type DeployedFunction, type LayerSource } from './deployed-function.ts';

const INTRINSICS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];

/** `!Ref X` → `{ Ref: X }`, `!GetAtt A.B` → `{ 'Fn::GetAtt': [A, B] }`, `!Sub …` → `{ 'Fn::Sub': … }`, as CloudFormation reads them. */
const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (value) => ({ 'Fn::GetAtt': value.toJSON() }) },
  ...INTRINSICS.flatMap((name): Array<ScalarTag | CollectionTag> => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [`Fn::${name}`]: value.toJSON() }) },
    { tag: `!${name}`, collection: 'map', resolve: (value) => ({ [`Fn::${name}`]: value.toJSON() }) },
  ]),
];

interface SamFunctionProperties {
  Runtime?: string;
  Handler?: string;
  CodeUri?: unknown;
  Layers?: unknown[];
  MemorySize?: number;
  Timeout?: number;
  Environment?: { Variables?: Record<string, unknown> };
  Events?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
}

export interface SamTemplate {
  Globals?: { Function?: SamFunctionProperties };
  Resources?: Record<string, { Type?: string; Properties?: SamFunctionProperties }>;
}

export function readSamTemplate(templatePath: string): SamTemplate {
  return parse(readFileSync(templatePath, 'utf8'), { customTags: CLOUDFORMATION_TAGS }) as SamTemplate;
}

export function functionFromSam(templatePath: string, logicalId: string): DeployedFunction {
  const template = readSamTemplate(templatePath);
  const source = `${basename(templatePath)}: ${logicalId}`;
  const resource = template.Resources?.[logicalId];
  if (resource?.Type !== 'AWS::Serverless::Function') throw new Error(`${source} is not an AWS::Serverless::Function`);
  // SAM merges Globals into each function; maps (the variables) merge key by key.
  const globals = template.Globals?.Function ?? {};
  const props: SamFunctionProperties = { ...globals, ...resource.Properties };
  const variables = { ...globals.Environment?.Variables, ...resource.Properties?.Environment?.Variables };
  if (typeof props.Runtime !== 'string' || typeof props.Handler !== 'string' || typeof props.CodeUri !== 'string') {
    throw new Error(`${source}: Runtime, Handler and a local CodeUri are needed to run it locally`);
  }
  return {
    source,
    name: logicalId,
    runtime: props.Runtime,
    handler: props.Handler,
    codeDir: resolve(dirname(templatePath), props.CodeUri),
    layers: (props.Layers ?? []).map((layer) => samLayer(layer, source)),
    ...splitEnv(variables),
    ...(props.MemorySize === undefined ? {} : { memoryMb: props.MemorySize }),
    ...(props.Timeout === undefined ? {} : { timeoutSeconds: props.Timeout }),
  };
}

function samLayer(layer: unknown, source: string): LayerSource {
  if (typeof layer === 'object' && layer !== null && typeof (layer as { Ref?: unknown }).Ref === 'string') {
    return { kind: 'parameter', name: (layer as { Ref: string }).Ref };
  }
  throw new Error(`${source}: layer ${JSON.stringify(layer)} is neither a parameter nor one the local run can stand in for`);
}
