/**
 * samples/with-collector through its own run.sh: this layer beside the OpenTelemetry Collector
 * Lambda layer, whose extension (a stand-in here) receives on localhost:4318.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { functionFromSam } from '../samples/from-sam.ts';
import { lambdaPathMapper } from '../samples/local-lambda-setup.ts';
import { SAMPLES_DIR, SAMPLE_RUN_TIMEOUT_MS, httpResponseOf, runSampleLocally, tracedInvocations, type SampleRun } from '../support/sample-run.ts';

jest.setTimeout(SAMPLE_RUN_TIMEOUT_MS);

const SAMPLE = join(SAMPLES_DIR, 'with-collector');

interface CollectorConfig {
  receivers: { otlp: { protocols: { http: { endpoint: string } } } };
  service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
}

describe('samples/with-collector', () => {
  let run: SampleRun;

  beforeAll(async () => {
    run = await runSampleLocally('with-collector');
  });

  it("exports every invocation's span through the collector extension, with no endpoint set on the function", () => {
    const fn = functionFromSam(join(SAMPLE, 'template.yaml'), 'HelloFunction');

    expect(run.report.extensions).toEqual(['collector']);
    expect(fn.env['OTEL_EXPORTER_OTLP_ENDPOINT']).toBeUndefined();
    expect(fn.deployTimeEnv).not.toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(tracedInvocations(run.report).map(({ span, invocation }) => ({ name: span.name, statusCode: httpResponseOf(invocation).statusCode }))).toEqual(
      run.report.invocations.map(() => ({ name: 'GET /hello/{name}', statusCode: 200 })),
    );
  });

  it('ships a collector.yaml that receives where the layer sends by default and decouples every pipeline last', () => {
    const fn = functionFromSam(join(SAMPLE, 'template.yaml'), 'HelloFunction');
    // The template names the file as Lambda sees it (/var/task/...): the code directory here.
    const configFile = lambdaPathMapper('/opt', fn.codeDir)(fn.env['OPENTELEMETRY_COLLECTOR_CONFIG_URI'] ?? '');
    const config = parse(readFileSync(configFile, 'utf8')) as CollectorConfig;

    expect(fn.layers).toEqual([
      { kind: 'parameter', name: 'OtelLayerArn' },
      { kind: 'parameter', name: 'CollectorLayerArn' },
    ]);
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('localhost:4318');
    for (const pipeline of Object.values(config.service.pipelines)) {
      expect(pipeline.receivers).toContain('otlp');
      expect(pipeline.processors.at(-1)).toBe('decouple');
    }
  });
});
