import { awsFetchHooks, type UndiciRequestLike } from '../../../src/aws-requests/fetch-hooks.ts';
import { loadSourceRecogniser } from './recorded-calls.ts';
import { spanDouble } from './span-double.ts';

const AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/ap-southeast-2/sns/aws4_request, SignedHeaders=host, Signature=00ff';
const RESPONSE_HEADERS = ['x-amzn-RequestId', '3ac0d80b-1583-4634-9790-323574548fb2', 'content-type', 'text/xml'].map((text) => Buffer.from(text));

function snsRequest(headers: UndiciRequestLike['headers'], body: unknown): UndiciRequestLike {
  return { method: 'POST', origin: 'https://sns.ap-southeast-2.amazonaws.com', path: '/', headers, body };
}

describe('fetch (undici) requests', () => {
  it.each([
    ['undici ≥ 6 header arrays (Node\'s fetch)', ['Content-Type', 'application/x-www-form-urlencoded', 'Authorization', AUTHORIZATION]],
    ['undici 5 header strings', `content-type: application/x-www-form-urlencoded\r\nauthorization: ${AUTHORIZATION}\r\n`],
  ])('are recognised from %s, with the operation from a body held whole', (_label, headers) => {
    const double = spanDouble();
    const hooks = awsFetchHooks(loadSourceRecogniser);

    hooks.requestHook(double.span, snsRequest(headers, 'Action=Publish&Version=2010-03-31'));
    hooks.responseHook(double.span, { request: snsRequest(headers, undefined), response: { headers: RESPONSE_HEADERS } });

    expect(double.name()).toBe('SNS.Publish');
    expect(double.attributes).toMatchObject({ 'rpc.service': 'SNS', 'rpc.method': 'Publish', 'cloud.region': 'ap-southeast-2', 'aws.request.id': '3ac0d80b-1583-4634-9790-323574548fb2' });
  });

  it('are left alone unless SigV4-signed, request and response', () => {
    const double = spanDouble();
    const hooks = awsFetchHooks(loadSourceRecogniser);
    const request = snsRequest(['authorization', 'Bearer token'], 'Action=Publish');

    hooks.requestHook(double.span, request);
    hooks.responseHook(double.span, { request, response: { headers: RESPONSE_HEADERS } });

    expect(double.touches()).toBe(0);
  });
});
