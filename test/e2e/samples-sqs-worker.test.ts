/**
 * samples/sqs-worker through its own run.sh: CommonJS on Node 22 consuming SQS batches, one call
 * to the shipping service per message, failed messages reported in batchItemFailures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { readSampleConfig } from '../samples/sample-config.ts';
import { STATUS_CODE_ERROR } from '../support/differential.ts';
import { SAMPLES_DIR, SAMPLE_RUN_TIMEOUT_MS, runSampleLocally, samFunctionFacts, tracedInvocations, type SampleRun } from '../support/sample-run.ts';

jest.setTimeout(SAMPLE_RUN_TIMEOUT_MS);

/** `Span.SpanKind` in opentelemetry-proto trace/v1/trace.proto. */
const SPAN_KIND_CONSUMER = 5;

const SAMPLE = join(SAMPLES_DIR, 'sqs-worker');
const config = readSampleConfig(SAMPLE);
const batchOf = (file: string): SQSEvent => JSON.parse(readFileSync(join(SAMPLE, file), 'utf8')) as SQSEvent;
const orderIdOf = (body: string): string => (JSON.parse(body) as { orderId: string }).orderId;
/** What the shipping stub answers for an order (local-run.json). */
const shippingStatusOf = (orderId: string): number | undefined => config.downstream?.[`PUT /shipments/${orderId}`]?.status;

describe('samples/sqs-worker', () => {
  let run: SampleRun;

  beforeAll(async () => {
    run = await runSampleLocally('sqs-worker');
  });

  it('reports exactly the messages the shipping service refused in batchItemFailures', () => {
    const reported = run.report.invocations.map((invocation) => ({ status: invocation.status, body: JSON.parse(invocation.body ?? 'null') as unknown }));

    expect(reported).toEqual(
      config.events.map((file) => ({
        status: 'success',
        body: { batchItemFailures: batchOf(file).Records.filter((record) => (shippingStatusOf(orderIdOf(record.body)) ?? 404) >= 400).map((record) => ({ itemIdentifier: record.messageId })) },
      })),
    );
  });

  it('traces each batch as a consumer span named after the queue, linked to the messages that carry trace context', () => {
    for (const { invocation, span } of tracedInvocations(run.report)) {
      const records = batchOf(invocation.event).Records;
      const traceparents = records.map((record) => record.messageAttributes['traceparent']?.stringValue).filter((value) => value !== undefined);
      const queue = records[0]?.eventSourceARN.split(':').pop();

      expect({ name: span.name, kind: span.kind }).toEqual({ name: `process ${queue}`, kind: SPAN_KIND_CONSUMER });
      expect(span.attributes['messaging.batch.message_count']).toBe(records.length);
      for (const traceparent of traceparents) expect(span.links.map((link) => link.traceId)).toContain(traceparent.split('-')[1]);
    }
  });

  it('traces one PUT to the shipping service per message, the refused one as an error', () => {
    for (const { invocation, clients } of tracedInvocations(run.report)) {
      const orders = batchOf(invocation.event).Records.map((record) => orderIdOf(record.body));
      const calls = clients.map((span) => ({ path: new URL(String(span.attributes['url.full'])).pathname, error: span.status.code === STATUS_CODE_ERROR }));

      expect(calls.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
        orders.map((orderId) => ({ path: `/shipments/${orderId}`, error: (shippingStatusOf(orderId) ?? 404) >= 500 })).sort((a, b) => a.path.localeCompare(b.path)),
      );
    }
  });

  it("keeps the function's own log line about the failed message", () => {
    const failedIds = run.report.invocations.flatMap((invocation) => (JSON.parse(invocation.body ?? '{}') as { batchItemFailures: Array<{ itemIdentifier: string }> }).batchItemFailures.map((failure) => failure.itemIdentifier));
    const logs = run.report.invocations.flatMap((invocation) => invocation.logs);

    expect(failedIds.length).toBeGreaterThan(0);
    for (const id of failedIds) expect(logs.some((line) => line.includes(`message ${id} not shipped`))).toBe(true);
  });

  it('runs what template.yaml deploys: Node 22, a CommonJS handler, the layer and the exec wrapper', () => {
    expect(samFunctionFacts(SAMPLE, 'ShipOrdersFunction')).toEqual({ runtime: 'nodejs22.x', type: 'commonjs', layers: [{ kind: 'parameter', name: 'OtelLayerArn' }], wrapper: '/opt/otel-handler' });
    expect(run.report.runtime).toBe('nodejs22.x');
  });
});
