/**
 * Micro-benchmark: what the AWS request hooks (src/aws-requests/) add to each outgoing request on
 * the warm path, per call, against an empty hook. Requests are real ClientRequest objects (never
 * sent) with the headers the real SDK clients send (test/fixtures/aws-requests/recorded-calls.json);
 * the span is a no-op, so only the hooks' own work is timed.
 *
 *   node_modules/node24/bin/node test/bench/aws-request-hooks.ts [--iterations N]
 *
 * Prints the median of 9 rounds in nanoseconds per call. Figures from a shared or busy machine
 * move; compare runs from one machine only.
 */
import type { Span } from '@opentelemetry/api';
import { ClientRequest } from 'node:http';
import { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { awsFetchHooks, type UndiciRequestLike } from '../../src/aws-requests/fetch-hooks.ts';
import { awsHttpClientHooks } from '../../src/aws-requests/http-client-hooks.ts';
import * as recogniser from '../../src/aws-requests/recogniser.ts';
import { readRecordedCalls } from '../support/recorded-aws-calls.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' } } });
const ITERATIONS = Number(values.iterations);
const ROUNDS = 9;

function noopSpan(): Span {
  const span = { isRecording: () => true, updateName: () => span, setAttributes: () => span, setAttribute: () => span };
  return span as unknown as Span;
}
/** The span of every plain request, and the span of every AWS call (the hooks remember AWS spans). */
const [plainSpan, awsSpan] = [noopSpan(), noopSpan()];

/** A ClientRequest that is never sent: its socket swallows everything. */
function unsentRequest(method: string, path: string, headers: Record<string, string>): ClientRequest {
  const socket = new Duplex({ read: () => undefined, write: (_chunk, _encoding, callback) => callback() });
  const request = new ClientRequest({ host: 'example.com', method, path, headers, createConnection: () => socket as never });
  // Destroyed unsent at the end: the reset it reports is expected.
  request.on('error', () => undefined);
  return request;
}

function nsPerCall(body: () => void): number {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < ITERATIONS; index++) body();
    rounds.push(Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const calls = readRecordedCalls().calls;
const recorded = (label: string): Record<string, string> => {
  const { host: _host, connection: _connection, ...headers } = calls.find((call) => call.call === label)!.request.headers;
  return headers;
};

const hooks = awsHttpClientHooks(() => recogniser);
const fetchHooks = awsFetchHooks(() => recogniser);
const empty = (_span: Span, _request: unknown): void => undefined;
const plain = unsentRequest('GET', '/inventory/42', { accept: 'application/json', 'user-agent': 'node' });
const bearer = unsentRequest('POST', '/orders', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'content-type': 'application/json' });
const dynamodb = unsentRequest('POST', '/', recorded('DynamoDB GetItem'));
const s3 = unsentRequest('PUT', '/orders/invoices/2026/42.json?x-id=PutObject', recorded('S3 PutObject'));
const sns = unsentRequest('POST', '/', recorded('SNS Publish'));
const plainFetch: UndiciRequestLike = { method: 'GET', origin: 'http://127.0.0.1:8080', path: '/inventory/42', headers: ['accept', '*/*', 'user-agent', 'node', 'accept-encoding', 'gzip, deflate'] };
const plainResponse = { headers: { 'content-type': 'application/json' }, statusCode: 200 } as never;
const awsResponse = { headers: { 'x-amz-request-id': '4442587FB7D0A2F9', 'x-amz-id-2': 'Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==' }, statusCode: 200 } as never;
// Warm the recogniser's route tables (parsed on first use) as a function's first S3 call would.
hooks.requestHook(awsSpan, s3);

const rows: [string, number][] = [
  ['empty hook (loop and call overhead)', nsPerCall(() => empty(plainSpan, plain))],
  ['request hook, request without Authorization', nsPerCall(() => hooks.requestHook(plainSpan, plain))],
  ['request hook, request with a Bearer token', nsPerCall(() => hooks.requestHook(plainSpan, bearer))],
  ['response hook, not an AWS span', nsPerCall(() => hooks.responseHook(plainSpan, plainResponse))],
  ['fetch request hook, not signed', nsPerCall(() => fetchHooks.requestHook(plainSpan, plainFetch))],
  ['request hook, DynamoDB GetItem (JSON 1.0)', nsPerCall(() => hooks.requestHook(awsSpan, dynamodb))],
  ['request hook, S3 PutObject (REST-XML route)', nsPerCall(() => hooks.requestHook(awsSpan, s3))],
  ['response hook, AWS span (request ids)', nsPerCall(() => hooks.responseHook(awsSpan, awsResponse))],
  [
    'request hook, SNS Publish (query: body watch set and removed)',
    nsPerCall(() => {
      hooks.requestHook(awsSpan, sns);
      delete (sns as unknown as Record<string, unknown>)['write'];
      delete (sns as unknown as Record<string, unknown>)['end'];
    }),
  ],
];
for (const request of [plain, bearer, dynamodb, s3, sns]) request.destroy();

console.log(`AWS request hooks, ns per call (median of ${ROUNDS} rounds × ${ITERATIONS} calls, Node ${process.versions.node})`);
for (const [label, ns] of rows) console.log(`  ${label.padEnd(64)} ${ns.toFixed(1).padStart(8)}`);
