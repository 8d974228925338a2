/**
 * Where the layer replaces a library, a test proves equivalence: the same AWS SDK v3 calls, made
 * by the real clients (unbundled, so that the aws-sdk instrumentation traces them), described by
 * the layer's own hooks from their HTTP requests alone. Run live (record-aws-sdk-calls.ts) with
 * today's clients and instrumentations, node:http, fetch and HTTP/2 alike.
 */
import type { AttributeValue } from '@opentelemetry/api';
import { recordCallsNow, type RecordedCall, type Recording } from '../../support/recorded-aws-calls.ts';

jest.setTimeout(90_000);

/** The attributes both must report alike (the aws-sdk instrumentation's own, aws-sdk.ts and utils.ts). */
const SHARED_ATTRIBUTES = ['rpc.system', 'rpc.service', 'rpc.method', 'cloud.region', 'aws.request.id', 'aws.request.extended_id', 'http.response.status_code', 'aws.s3.bucket'];

let recording: Recording;

beforeAll(async () => {
  recording = await recordCallsNow();
});

function shared(attributes: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(SHARED_ATTRIBUTES.filter((key) => attributes[key] !== undefined).map((key) => [key, attributes[key]!]));
}

/**
 * The instrumentation's service extensions for SQS, SNS and Lambda name their spans from the
 * call's input (`orders send`, `orders-worker Invoke`), which the HTTP request carries in its
 * body or path; the layer keeps `Service.Operation` for them.
 */
function namedFromInput(call: RecordedCall): boolean {
  return call.sdkSpan.attributes['messaging.system'] !== undefined || call.sdkSpan.attributes['faas.invoked_name'] !== undefined;
}

it('describes every call, over node:http, fetch and HTTP/2', () => {
  const transports = new Set(recording.calls.map((call) => call.request.transport));

  expect(recording.calls.filter((call) => call.layerSpan === undefined).map((call) => call.call)).toEqual([]);
  expect([...transports].sort()).toEqual(['fetch', 'h2', 'http/1.1']);
});

it('reports every attribute the aws-sdk instrumentation reports, with the same value', () => {
  const differences = recording.calls.flatMap((call) => {
    const expected = shared(call.sdkSpan.attributes);
    const actual = shared(call.layerSpan!.attributes);
    return Object.keys(expected)
      .filter((key) => actual[key] !== expected[key])
      .map((key) => `${call.call}: ${key} ${String(expected[key])} ≠ ${String(actual[key])}`);
  });

  expect(differences).toEqual([]);
});

it('reports the request id of every response, errors included, under both names', () => {
  for (const call of recording.calls) {
    const headers = call.response.headers;
    const requestId = headers['x-amzn-requestid'] ?? headers['x-amz-request-id'];

    expect([call.call, call.layerSpan!.attributes['aws.request.id'], call.layerSpan!.attributes['aws.request_id']]).toEqual([call.call, requestId, requestId]);
  }
});

it('names each span as the instrumentation does, Service.Operation, except where it names spans from the input', () => {
  for (const call of recording.calls) {
    const attributes = call.layerSpan!.attributes;
    const serviceOperation = `${String(attributes['rpc.service'])}.${String(attributes['rpc.method'])}`;

    expect([call.call, call.layerSpan!.name]).toEqual([call.call, serviceOperation]);
    if (!namedFromInput(call)) expect([call.call, call.layerSpan!.name]).toEqual([call.call, call.sdkSpan.name]);
  }
});
