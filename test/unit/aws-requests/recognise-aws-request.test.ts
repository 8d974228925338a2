import fc from 'fast-check';
import { actionOfFormBody } from '../../../src/aws-requests/query-action.ts';
import { recogniseAwsRequest, type OutgoingRequestView } from '../../../src/aws-requests/recognise-aws-request.ts';
import type { RecordedCall } from '../../support/recorded-aws-calls.ts';
import { recordedCalls, viewOf } from './recorded-calls.ts';

const CALLS = recordedCalls();

/** The protocol each service speaks in today's SDK (its clients' own service models), and how its requests show it. */
const PROTOCOLS = [
  { protocol: 'AWS JSON 1.0', services: ['DynamoDB', 'SQS', 'SFN'], shape: { method: 'POST', contentType: 'application/x-amz-json-1.0', target: true } },
  { protocol: 'AWS JSON 1.1', services: ['EventBridge', 'Kinesis', 'SecretsManager', 'SSM', 'KMS'], shape: { method: 'POST', contentType: 'application/x-amz-json-1.1', target: true } },
  { protocol: 'AWS query', services: ['SNS', 'STS'], shape: { method: 'POST', contentType: 'application/x-www-form-urlencoded', target: false } },
  { protocol: 'REST-XML', services: ['S3'], shape: { target: false } },
  { protocol: 'REST-JSON', services: ['Lambda'], shape: { target: false } },
] as const;

function recognised(call: RecordedCall): Record<string, unknown> {
  const recognisedCall = recogniseAwsRequest(viewOf(call.request));
  return {
    service: recognisedCall?.service,
    operation: recognisedCall?.operationInBody === true ? actionOfFormBody(call.request.bodyHead) : recognisedCall?.operation,
    region: recognisedCall?.region,
    bucket: recognisedCall?.bucket,
  };
}

function reported(call: RecordedCall): Record<string, unknown> {
  const attributes = call.sdkSpan.attributes;
  return { service: attributes['rpc.service'], operation: attributes['rpc.method'], region: attributes['cloud.region'], bucket: attributes['aws.s3.bucket'] };
}

function view(overrides: Partial<OutgoingRequestView> & { headers?: Record<string, string> }): OutgoingRequestView {
  const headers = overrides.headers ?? {};
  return { method: 'POST', host: 'example.com', path: '/', header: (name) => headers[name], ...overrides };
}

const SIGV4 = (scope: string): string => `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/${scope}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef`;

it('has recorded calls of every service the README table covers', () => {
  const services = new Set(CALLS.map((call) => call.sdkSpan.attributes['rpc.service']));

  expect([...services].sort()).toEqual(PROTOCOLS.flatMap((group) => group.services).sort());
});

describe.each(PROTOCOLS)('$protocol ($services)', ({ services, shape }) => {
  const calls = CALLS.filter((call) => (services as readonly string[]).includes(String(call.sdkSpan.attributes['rpc.service'])));

  it('is what the SDK sends for these services today', () => {
    for (const { request } of calls) {
      if ('method' in shape) expect(request.method).toBe(shape.method);
      if ('contentType' in shape) expect(request.headers['content-type']).toBe(shape.contentType);
      expect(request.headers['x-amz-target'] !== undefined).toBe(shape.target);
    }
  });

  it.each(calls.map((call) => [call.call, call] as const))('recognises %s as the aws-sdk instrumentation reports it', (_label, call) => {
    expect(recognised(call)).toEqual(reported(call));
  });
});

describe('requests that are not AWS API calls', () => {
  it.each([
    ['no Authorization header', {}],
    ['a bearer token', { authorization: 'Bearer abc.def' }],
    ['basic authentication', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an AWS4 header without a credential', { authorization: 'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00' }],
    ['a credential scope without aws4_request', { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/other, Signature=00' }],
  ])('are left alone: %s', (_label, headers) => {
    expect(recogniseAwsRequest(view({ headers }))).toBeUndefined();
  });

  it('leaves presigned URLs alone (the signature is in the query, not a header)', () => {
    const path = '/orders/a.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00';

    expect(recogniseAwsRequest(view({ method: 'GET', host: 's3.us-east-1.amazonaws.com', path }))).toBeUndefined();
  });
});

describe('signatures and services beyond the recorded calls', () => {
  it('takes the region of a SigV4a signature from X-Amz-Region-Set', () => {
    const authorization = 'AWS4-ECDSA-P256-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/events/aws4_request, SignedHeaders=host, Signature=3045';

    const call = recogniseAwsRequest(view({ headers: { authorization, 'x-amz-region-set': 'eu-west-1', 'x-amz-target': 'AWSEvents.PutEvents' } }));

    expect(call).toMatchObject({ service: 'EventBridge', operation: 'PutEvents', region: 'eu-west-1' });
  });

  it('leaves the region out when a SigV4a signature covers several', () => {
    const authorization = 'AWS4-ECDSA-P256-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/s3/aws4_request, SignedHeaders=host, Signature=3045';

    expect(recogniseAwsRequest(view({ method: 'GET', path: '/a?x-id=GetObject', headers: { authorization, 'x-amz-region-set': '*' } }))?.region).toBeUndefined();
  });

  it('names DynamoDB Streams by its target, though it signs as dynamodb', () => {
    const call = recogniseAwsRequest(view({ headers: { authorization: SIGV4('us-east-1/dynamodb'), 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' } }));

    expect(call).toMatchObject({ service: 'DynamoDBStreams', operation: 'GetRecords' });
  });

  it('reads the operation of an RPC v2 CBOR request from its path', () => {
    const headers = { authorization: SIGV4('us-east-1/monitoring'), 'smithy-protocol': 'rpc-v2-cbor' };

    const call = recogniseAwsRequest(view({ path: '/service/GraniteServiceVersion20100801/operation/PutMetricData', headers }));

    expect(call).toMatchObject({ service: 'CloudWatch', operation: 'PutMetricData', region: 'us-east-1' });
  });

  it('reports an unknown signing name as it is, with no operation when the protocol does not say', () => {
    const call = recogniseAwsRequest(view({ method: 'GET', path: '/prod/orders', headers: { authorization: SIGV4('eu-west-1/execute-api') } }));

    expect(call).toEqual({ service: 'execute-api', region: 'eu-west-1', operation: undefined, bucket: undefined, operationInBody: false });
  });

  it('keeps S3 Control apart from S3', () => {
    const headers = { authorization: SIGV4('us-east-1/s3'), 'x-amz-account-id': '123456789012' };

    const call = recogniseAwsRequest(view({ method: 'GET', host: '123456789012.s3-control.us-east-1.amazonaws.com', path: '/v20180820/accesspoint', headers }));

    expect(call).toMatchObject({ service: 'S3Control', operation: undefined, bucket: undefined });
  });

  it.each([
    ['dual-stack', 'orders.s3.dualstack.eu-west-1.amazonaws.com'],
    ['legacy dash-region', 'orders.s3-eu-west-1.amazonaws.com'],
    ['accelerated', 'orders.s3-accelerate.amazonaws.com'],
    ['dotted bucket', 'orders.eu.s3.eu-west-1.amazonaws.com'],
  ])('finds the bucket in a virtual-hosted host name: %s', (_label, host) => {
    const call = recogniseAwsRequest(view({ method: 'GET', host, path: '/a/b.json?x-id=GetObject', headers: { authorization: SIGV4('eu-west-1/s3') } }));

    expect(call).toMatchObject({ operation: 'GetObject', bucket: host.slice(0, host.search(/\.s3[.-]/)) });
  });
});

it('never throws and ignores everything not SigV4-signed, whatever the request', () => {
  const header = fc.option(fc.oneof(fc.string(), fc.constantFrom('AWS4-HMAC-SHA256 Credential=', 'AWS4-', SIGV4('us-east-1/s3'), SIGV4('/'))), { nil: undefined });
  const headers = fc.record({ authorization: header, 'x-amz-target': header, 'content-type': header, 'smithy-protocol': header, 'x-amz-region-set': header });
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.oneof(fc.string(), fc.webPath()), headers, (method, host, path, values) => {
      const call = recogniseAwsRequest({ method, host, path, header: (name) => values[name as keyof typeof values] });
      if (values.authorization?.startsWith('AWS4-') !== true) return call === undefined;
      return call === undefined || (typeof call.service === 'string' && call.service !== '');
    }),
    { numRuns: 2000 },
  );
});
