/**
 * samples/cdk through its own run.sh: the real aws-cdk-lib and `cdk synth` CLI pinned in the
 * sample's lock file synthesize the app offline (one synth for the whole file), and the local run
 * traces the bundle synth wrote.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cdkResource, readCdkTemplate, type CfnTemplate } from '../samples/from-cdk.ts';
import { readSampleConfig } from '../samples/sample-config.ts';
import { SPAN_KIND_SERVER } from '../support/config-harness.ts';
import { LAYER_ZIP } from '../support/paths.ts';
import { SAMPLES_DIR, SAMPLE_RUN_TIMEOUT_MS, httpResponseOf, runSampleLocally, tracedInvocations, type SampleRun } from '../support/sample-run.ts';

jest.setTimeout(SAMPLE_RUN_TIMEOUT_MS);

const SAMPLE = join(SAMPLES_DIR, 'cdk');
const ASSEMBLY = join(SAMPLE, 'cdk.out');
const config = readSampleConfig(SAMPLE);
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('samples/cdk', () => {
  let run: SampleRun;
  let template: CfnTemplate;

  beforeAll(async () => {
    run = await runSampleLocally('cdk');
    template = readCdkTemplate(ASSEMBLY, 'OtelQuotes');
  });

  it('synthesizes a Node 24 function with the layer and AWS_LAMBDA_EXEC_WRAPPER', () => {
    const [, fn] = cdkResource(template, 'OtelQuotes/Quotes');
    const properties = fn.Properties ?? {};
    const layerRefs = (properties['Layers'] as Array<{ Ref: string }>).map((layer) => layer.Ref);
    const layers = layerRefs.map((ref) => template.Resources[ref]);
    const layerAsset = String(layers[0]?.Metadata?.['aws:asset:path']);

    expect(properties['Runtime']).toBe('nodejs24.x');
    expect((properties['Environment'] as { Variables: Record<string, string> }).Variables['AWS_LAMBDA_EXEC_WRAPPER']).toBe('/opt/otel-handler');
    expect(layers.map((layer) => layer?.Type)).toEqual(['AWS::Lambda::LayerVersion']);
    // The layer CDK uploads is the zip this repository builds.
    expect(sha256(join(ASSEMBLY, layerAsset))).toBe(sha256(LAYER_ZIP));
  });

  it('bundles the handler with esbuild into one ES module that the template names', () => {
    const [, fn] = cdkResource(template, 'OtelQuotes/Quotes');
    const bundleDir = join(ASSEMBLY, String(fn.Metadata?.['aws:asset:path']));
    const bundle = readFileSync(join(bundleDir, 'index.mjs'), 'utf8');

    expect(fn.Properties?.['Handler']).toBe('index.handler');
    expect(readdirSync(bundleDir)).toEqual(['index.mjs']);
    expect(bundle).toMatch(/^export \{\s*handler\s*\};?$/m);
    expect(bundle).not.toContain('require(');
  });

  it('runs the bundle synth wrote in the local Lambda and traces each request as GET /quotes/{sku} with its fetch', () => {
    const [logicalId] = cdkResource(template, 'OtelQuotes/Quotes');
    const traced = tracedInvocations(run.report).map(({ invocation, span, clients }) => ({
      statusCode: httpResponseOf(invocation).statusCode,
      name: span.name,
      kind: span.kind,
      route: span.attributes['http.route'],
      fetched: clients.map((client) => new URL(String(client.attributes['url.full'])).pathname),
    }));

    expect(run.stdout).toContain(`OtelQuotes.template.json: ${logicalId}`);
    expect(traced).toEqual(
      config.events.map((file) => {
        const sku = (JSON.parse(readFileSync(join(SAMPLE, file), 'utf8')) as { pathParameters: { sku: string } }).pathParameters.sku;
        const known = config.downstream?.[`GET /prices/${sku}`] !== undefined;
        return { statusCode: known ? 200 : 404, name: 'GET /quotes/{sku}', kind: SPAN_KIND_SERVER, route: '/quotes/{sku}', fetched: [`/prices/${sku}`] };
      }),
    );
  });
});
