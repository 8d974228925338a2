import { SpanKind } from '@opentelemetry/api';
import { API_GATEWAY_HTTP_EXTRACTOR } from '../../../src/triggers/api-gateway-http.ts';
import { FUNCTION_URL_EXTRACTOR } from '../../../src/triggers/function-url.ts';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { loadEvent, spanContextOf, traceparentIds, describePosted } from './event-fixtures.ts';

describe('the API Gateway HTTP API trigger (payload 2.0)', () => {
  it('describes a request by the HTTP server conventions, route from the route key', () => {
    // Prepare
    const event = loadEvent('api-gateway-http');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(API_GATEWAY_HTTP_EXTRACTOR.matches(event)).toBe(true);
    expect(FUNCTION_URL_EXTRACTOR.matches(event)).toBe(false);
    expect(trigger.spanName).toBe('GET /orders/{id}');
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'http',
      'http.request.method': 'GET',
      'http.route': '/orders/{id}',
      'url.path': '/orders/42',
      'url.scheme': 'https',
      'server.address': '9f8e7d6c5b.execute-api.eu-west-1.amazonaws.com',
      'user_agent.original': 'curl/8.5.0',
      'client.address': '198.51.100.23',
      'network.protocol.version': '1.1',
    });
    expect(spanContextOf(trigger.parent)).toEqual({ ...traceparentIds('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), isRemote: true });
  });

  it('respects an unsampled traceparent: the caller decided', () => {
    // Prepare
    const event = loadEvent('api-gateway-http');
    (event['headers'] as Record<string, string>)['traceparent'] = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(spanContextOf(trigger.parent)?.traceFlags).toBe(0);
  });

  it('has no route for the $default route key, so the span is named by the method', () => {
    // Prepare
    const event = loadEvent('api-gateway-http-default-route');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('POST');
    expect(trigger.attributes).not.toHaveProperty(['http.route']);
    expect(trigger.attributes).toMatchObject({ 'server.address': 'api.example.com', 'network.protocol.version': '2', 'url.path': '/v1/reports/2024-03' });
    expect(trigger.parent).toBeUndefined();
  });

  it('takes the route of an ANY route key', () => {
    // Prepare
    const event = loadEvent('api-gateway-http');
    event['routeKey'] = 'ANY /{proxy+}';

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('GET /{proxy+}');
    expect(trigger.attributes['http.route']).toBe('/{proxy+}');
  });

  it('answers 200 for a result without a status code, as API Gateway does', () => {
    // Prepare
    const trigger = extractTrigger(loadEvent('api-gateway-http'));

    // Act
    const described = [{ orderId: 42 }, 'plain text', null, { statusCode: 500, body: 'boom' }, { statusCode: 429 }].map((result) => describePosted(trigger, result));

    // Assess
    expect(described).toEqual([
      { attributes: { 'http.response.status_code': 200 }, isError: false },
      { attributes: { 'http.response.status_code': 200 }, isError: false },
      { attributes: { 'http.response.status_code': 200 }, isError: false },
      { attributes: { 'http.response.status_code': 500, 'error.type': '500' }, isError: true },
      { attributes: { 'http.response.status_code': 429 }, isError: false },
    ]);
  });

  it('reads the status code from the posted JSON wherever it stands at the top level, and only there', () => {
    // Prepare
    const trigger = extractTrigger(loadEvent('api-gateway-rest'));
    const bodies = [
      '{"headers":{"statusCode":200,"x":"}{\\""},"body":"{\\"statusCode\\":201}","statusCode":503}',
      '{"body":"a","nested":{"statusCode":500}}',
      ' { "statusCode" : "404" } ',
      '{"statusCode":',
      'not json',
    ];

    // Act
    const described = bodies.map((body) => trigger.describeResponse!(body));

    // Assess
    expect(described).toEqual([
      { attributes: { 'http.response.status_code': 503, 'error.type': '503' }, isError: true },
      { attributes: {}, isError: false },
      { attributes: { 'http.response.status_code': 404 }, isError: false },
      { attributes: {}, isError: false },
      { attributes: {}, isError: false },
    ]);
  });

  it('describes what it can of an event without headers or request context details', () => {
    // Prepare
    const event = { version: '2.0', routeKey: '$default', rawPath: '/', requestContext: { http: { method: 'GET' } } };

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('GET');
    expect(trigger.attributes).toEqual({ 'faas.trigger': 'http', 'http.request.method': 'GET', 'url.path': '/', 'url.scheme': 'https' });
  });
});

describe('the Lambda Function URL trigger', () => {
  it('describes a request with no route, by the method alone', () => {
    // Prepare
    const event = loadEvent('function-url');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(FUNCTION_URL_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBe('POST');
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'http',
      'http.request.method': 'POST',
      'url.path': '/my/path',
      'url.scheme': 'https',
      'server.address': 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.us-east-2.on.aws',
      'user_agent.original': 'agent',
      'client.address': '203.0.113.5',
      'network.protocol.version': '1.1',
    });
    expect(describePosted(trigger, { body: 'hi' })).toEqual({ attributes: { 'http.response.status_code': 200 }, isError: false });
  });
});
