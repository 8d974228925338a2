import { SpanKind } from '@opentelemetry/api';
import { ALB_EXTRACTOR } from '../../../src/triggers/alb.ts';
import { API_GATEWAY_REST_EXTRACTOR } from '../../../src/triggers/api-gateway-rest.ts';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { loadEvent, spanContextOf, traceparentIds, describePosted } from './event-fixtures.ts';

describe('the Application Load Balancer trigger', () => {
  it('describes a request with single-value headers', () => {
    // Prepare
    const event = loadEvent('alb');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(ALB_EXTRACTOR.matches(event)).toBe(true);
    expect(API_GATEWAY_REST_EXTRACTOR.matches(event)).toBe(false);
    expect(trigger.spanName).toBe('GET');
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'http',
      'http.request.method': 'GET',
      'url.path': '/lambda',
      'url.scheme': 'http',
      'server.address': 'lambda-alb-123578498.us-east-1.elb.amazonaws.com',
      'user_agent.original':
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.98 Safari/537.36',
      'client.address': '72.12.164.125',
    });
    // ALB's own X-Amzn-Trace-Id has a Root only: no parent.
    expect(trigger.parent).toBeUndefined();
  });

  it('describes a request with multi-value headers in any case, host port included', () => {
    // Prepare
    const event = loadEvent('alb-multi-value');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'http',
      'http.request.method': 'PUT',
      'url.path': '/carts/7',
      'url.scheme': 'https',
      'server.address': 'shop.example.com',
      'server.port': 8443,
      'user_agent.original': 'python-requests/2.32.3',
      'client.address': '198.51.100.7',
    });
    expect(spanContextOf(trigger.parent)).toEqual({ ...traceparentIds('00-5b8aa5a2d2c872e8321cf37308d69df2-051581bf3cb55c13-01'), isRemote: true });
  });

  it('reads IPv6 hosts with and without a port', () => {
    // Prepare
    const withPort = loadEvent('alb');
    (withPort['headers'] as Record<string, string>)['host'] = '[2001:db8::1]:8080';
    const withoutPort = loadEvent('alb');
    (withoutPort['headers'] as Record<string, string>)['host'] = '2001:db8::1';

    // Act
    const [first, second] = [extractTrigger(withPort), extractTrigger(withoutPort)];

    // Assess
    expect(first.attributes).toMatchObject({ 'server.address': '2001:db8::1', 'server.port': 8080 });
    expect(second.attributes['server.address']).toBe('2001:db8::1');
    expect(second.attributes).not.toHaveProperty(['server.port']);
  });

  it('sets the response status from the result, and none when the result has none', () => {
    // Prepare
    const trigger = extractTrigger(loadEvent('alb'));

    // Act
    const described = [{ statusCode: 502, statusDescription: '502 Bad Gateway' }, { body: 'x' }].map((result) => describePosted(trigger, result));

    // Assess
    expect(described).toEqual([
      { attributes: { 'http.response.status_code': 502, 'error.type': '502' }, isError: true },
      { attributes: {}, isError: false },
    ]);
  });
});
