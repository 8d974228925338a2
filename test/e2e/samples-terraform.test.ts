/**
 * samples/terraform through its own run.sh, and its HCL parsed with @cdktn/hcl2json: an
 * aws_lambda_layer_version from the layer zip and a Node 24 function using it.
 */
import { join, resolve } from 'node:path';
import { readSampleConfig } from '../samples/sample-config.ts';
import { readTerraformModule, referenceOf, terraformBlock, type TerraformConfig } from '../samples/from-terraform.ts';
import { SPAN_KIND_SERVER } from '../support/config-harness.ts';
import { LAYER_ZIP } from '../support/paths.ts';
import { SAMPLES_DIR, SAMPLE_RUN_TIMEOUT_MS, httpResponseOf, runSampleLocally, tracedInvocations, type SampleRun } from '../support/sample-run.ts';

jest.setTimeout(SAMPLE_RUN_TIMEOUT_MS);

const SAMPLE = join(SAMPLES_DIR, 'terraform');
const config = readSampleConfig(SAMPLE);

describe('samples/terraform', () => {
  let run: SampleRun;
  let hcl: TerraformConfig;

  beforeAll(async () => {
    run = await runSampleLocally('terraform');
    hcl = await readTerraformModule(SAMPLE);
  });

  it("declares a layer version from the layer zip and a Node 24 function that uses it with the exec wrapper", () => {
    const fn = terraformBlock(hcl, 'resource', 'aws_lambda_function', 'ingest');
    const layerRef = referenceOf((fn['layers'] as string[])[0]);
    const layer = terraformBlock(hcl, 'resource', 'aws_lambda_layer_version', layerRef?.[1] ?? '');
    const zipVariable = referenceOf(layer['filename'])?.[1] ?? '';
    const variables = (fn['environment'] as Array<{ variables: Record<string, string> }>)[0]?.variables;

    expect(fn['runtime']).toBe('nodejs24.x');
    expect(variables?.['AWS_LAMBDA_EXEC_WRAPPER']).toBe('/opt/otel-handler');
    expect({ refs: (fn['layers'] as string[]).length, type: layerRef?.[0], attribute: layerRef?.[2] }).toEqual({ refs: 1, type: 'aws_lambda_layer_version', attribute: 'arn' });
    expect(layer['compatible_runtimes']).toEqual(expect.arrayContaining(['nodejs24.x']));
    // Terraform runs in the sample's directory: the default zip is the one this repository builds.
    expect(resolve(SAMPLE, String(hcl.variable?.[zipVariable]?.[0]?.['default']))).toBe(LAYER_ZIP);
  });

  it('runs the function as main.tf describes it and traces each function URL request with its forward to the events service', () => {
    const traced = tracedInvocations(run.report).map(({ invocation, span, clients }) => ({
      statusCode: httpResponseOf(invocation).statusCode,
      name: span.name,
      kind: span.kind,
      trigger: span.attributes['faas.trigger'],
      forwarded: clients.map((client) => `${String(client.attributes['http.request.method'])} ${new URL(String(client.attributes['url.full'])).pathname}`),
    }));

    expect(run.report.runtime).toBe('nodejs24.x');
    expect(traced).toEqual([
      { statusCode: 202, name: 'POST', kind: SPAN_KIND_SERVER, trigger: 'http', forwarded: Object.keys(config.downstream ?? {}) },
      { statusCode: 400, name: 'POST', kind: SPAN_KIND_SERVER, trigger: 'http', forwarded: [] },
    ]);
  });
});
