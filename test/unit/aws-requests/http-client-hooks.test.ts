import { ClientRequest, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsHttpClientHooks } from '../../../src/aws-requests/http-client-hooks.ts';
import type { RecordedCall } from '../../support/recorded-aws-calls.ts';
import { loadSourceRecogniser, recordedCalls } from './recorded-calls.ts';
import { spanDouble, type SpanDouble } from './span-double.ts';

const CALLS = recordedCalls();
const call = (label: string): RecordedCall => CALLS.find((recorded) => recorded.call === label && recorded.request.transport === 'http/1.1')!;

let server: Server;
let port: number;
const received: Buffer[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(Buffer.concat(chunks));
      response.writeHead(200, { 'x-amzn-RequestId': 'c6a28026-dd58-4469-a9e3-7efd9701af57', 'content-type': 'text/xml' });
      response.end('<ok/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends a request with the hooks applied as the http instrumentation applies them. */
async function send(headers: Record<string, string>, body: string, double: SpanDouble, path = '/'): Promise<IncomingMessage> {
  const hooks = awsHttpClientHooks(loadSourceRecogniser);
  const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } });
  hooks.requestHook(double.span, request);
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', (message) => {
      hooks.responseHook(double.span, message);
      message.resume();
      message.on('end', () => resolve(message));
    });
    request.on('error', reject);
  });
  request.end(body);
  return response;
}

function sentHeaders(recorded: RecordedCall): Record<string, string> {
  const { host: _host, connection: _connection, 'content-length': _length, ...headers } = recorded.request.headers;
  return headers;
}

it('leaves every request that is not SigV4-signed untouched', async () => {
  const double = spanDouble();

  await send({ 'content-type': 'application/json', authorization: 'Bearer token', 'x-amz-target': 'Looks.Like' }, '{}', double);

  expect(double.touches()).toBe(0);
});

it('names a JSON-protocol call from its headers, and takes the request id from the response', async () => {
  const double = spanDouble();
  const dynamodb = call('DynamoDB GetItem');

  await send(sentHeaders(dynamodb), dynamodb.request.bodyHead, double);

  expect(double.name()).toBe('DynamoDB.GetItem');
  expect(double.attributes).toEqual({
    'rpc.system': 'aws-api',
    'rpc.service': 'DynamoDB',
    'rpc.method': 'GetItem',
    'cloud.region': 'us-east-1',
    'aws.request.id': 'c6a28026-dd58-4469-a9e3-7efd9701af57',
    'aws.request_id': 'c6a28026-dd58-4469-a9e3-7efd9701af57',
  });
});

it('names a query-protocol call from its body as it is written, and the body arrives unchanged', async () => {
  const double = spanDouble();
  const sns = call('SNS Publish');
  const before = received.length;

  await send(sentHeaders(sns), sns.request.bodyHead, double);

  expect(double.name()).toBe('SNS.Publish');
  expect(double.attributes).toMatchObject({ 'rpc.service': 'SNS', 'rpc.method': 'Publish', 'cloud.region': 'ap-southeast-2' });
  expect(received[before]?.toString('utf8')).toBe(sns.request.bodyHead);
});

it('never records the Authorization header', async () => {
  const double = spanDouble();
  const sns = call('SNS Publish');

  await send(sentHeaders(sns), sns.request.bodyHead, double);

  const signature = /Signature=([0-9a-f]+)/.exec(sns.request.headers['authorization']!)![1]!;
  expect(JSON.stringify(double.attributes)).not.toContain(signature);
  expect(JSON.stringify(double.attributes)).not.toContain('AKIA');
});

it('does nothing for a span that does not record (suppressed or unsampled)', async () => {
  const double = spanDouble(false);
  const dynamodb = call('DynamoDB GetItem');

  await send(sentHeaders(dynamodb), dynamodb.request.bodyHead, double);

  expect(double.touches()).toBe(0);
});

it('ignores incoming requests', () => {
  const double = spanDouble();

  awsHttpClientHooks(loadSourceRecogniser).requestHook(double.span, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=A/1/us-east-1/s3/aws4_request' } } as unknown as IncomingMessage);

  expect(double.touches()).toBe(0);
});

it('takes nothing in its body watch off a ClientRequest once the body is written', async () => {
  const hooks = awsHttpClientHooks(loadSourceRecogniser);
  const sns = call('SNS Publish');
  const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: sentHeaders(sns) });
  hooks.requestHook(spanDouble().span, request);
  const watched = Object.hasOwn(request, 'end');

  request.end(sns.request.bodyHead);
  await new Promise((resolve) => request.on('response', (message: IncomingMessage) => message.resume().on('end', resolve)));

  expect([watched, Object.hasOwn(request, 'write'), Object.hasOwn(request, 'end')]).toEqual([true, false, false]);
  expect(request.end).toBe(ClientRequest.prototype.end);
});
