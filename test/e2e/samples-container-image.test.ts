/**
 * samples/container-image through its own run.sh: no container engine here, so the image's file
 * system is laid out from the Dockerfile's own COPY/ENV/CMD (test/samples/from-dockerfile.ts)
 * and run in the local Lambda.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDockerfile } from '../samples/from-dockerfile.ts';
import { readSampleConfig } from '../samples/sample-config.ts';
import { SPAN_KIND_SERVER } from '../support/config-harness.ts';
import { SAMPLES_DIR, SAMPLE_RUN_TIMEOUT_MS, runSampleLocally, tracedInvocations, type SampleRun } from '../support/sample-run.ts';

jest.setTimeout(SAMPLE_RUN_TIMEOUT_MS);

const SAMPLE = join(SAMPLES_DIR, 'container-image');
const config = readSampleConfig(SAMPLE);

describe('samples/container-image', () => {
  let run: SampleRun;

  beforeAll(async () => {
    run = await runSampleLocally('container-image');
  });

  it('builds on the Lambda Node.js 24 base image with the layer at /opt and the exec wrapper set', () => {
    const recipe = readDockerfile(join(SAMPLE, 'Dockerfile'));

    expect(recipe.baseImage).toBe('public.ecr.aws/lambda/nodejs:24');
    expect(recipe.copies).toContainEqual({ sources: ['layer/'], destination: '/opt/' });
    expect(recipe.env['AWS_LAMBDA_EXEC_WRAPPER']).toBe('/opt/otel-handler');
    expect(recipe.cmd).toEqual(['index.handler']);
  });

  it('runs the image as laid out and traces each scheduled run with its calls to the orders and reports services', () => {
    const traced = tracedInvocations(run.report).map(({ invocation, span, clients }) => ({
      status: invocation.status,
      name: span.name,
      kind: span.kind,
      trigger: span.attributes['faas.trigger'],
      calls: clients.map((client) => `${String(client.attributes['http.request.method'])} ${new URL(String(client.attributes['url.full'])).pathname}`),
    }));

    expect(run.report.runtime).toBe('nodejs24.x');
    expect(traced).toEqual(
      config.events.map((file) => {
        const previousDay = new Date(Date.parse((JSON.parse(readFileSync(join(SAMPLE, file), 'utf8')) as { time: string }).time) - 86_400_000).toISOString().slice(0, 10);
        return { status: 'success', name: 'otel-report-job', kind: SPAN_KIND_SERVER, trigger: 'timer', calls: [`GET /totals/${previousDay}`, `PUT /reports/${previousDay}`] };
      }),
    );
  });
});
