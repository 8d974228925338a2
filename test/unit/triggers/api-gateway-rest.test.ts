import { SpanKind, propagation, trace } from '@opentelemetry/api';
import { API_GATEWAY_REST_EXTRACTOR } from '../../../src/triggers/api-gateway-rest.ts';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { loadEvent, spanContextOf, traceparentIds, xrayIds, describePosted } from './event-fixtures.ts';

describe('the API Gateway REST API trigger', () => {
  it('describes a proxy request by the HTTP server conventions', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(API_GATEWAY_REST_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBe('GET /orders/{id}');
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'http',
      'http.request.method': 'GET',
      'http.route': '/orders/{id}',
      'url.path': '/prod/orders/42',
      'url.scheme': 'https',
      'server.address': 'r275xc9bmd.execute-api.us-east-1.amazonaws.com',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0',
      'client.address': '203.0.113.17',
      'network.protocol.version': '1.1',
    });
  });

  it('takes the parent from traceparent, merging every tracestate and baggage value of multiValueHeaders', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(spanContextOf(trigger.parent)).toEqual({ ...traceparentIds('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), isRemote: true });
    expect(trace.getSpanContext(trigger.parent!)?.traceState?.serialize()).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    const baggage = propagation.getBaggage(trigger.parent!);
    expect(baggage?.getEntry('tenant')?.value).toBe('acme');
    expect(baggage?.getEntry('region')?.value).toBe('eu');
  });

  it('finds trace headers whatever their case, in the single-value map alone', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');
    delete event['multiValueHeaders'];
    const headers = event['headers'] as Record<string, string>;
    headers['TraceParent'] = headers['traceparent']!;
    delete headers['traceparent'];

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(spanContextOf(trigger.parent)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('falls back to a sampled X-Amzn-Trace-Id header when there is no traceparent', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');
    delete event['multiValueHeaders'];
    const header = 'Root=1-65f1c3a1-3a1b2c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=1';
    event['headers'] = { Host: 'example.com', 'X-Amzn-Trace-Id': header };

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(spanContextOf(trigger.parent)).toEqual({ ...xrayIds(header), isRemote: true });
  });

  it('ignores an unsampled or parentless X-Amzn-Trace-Id, which AWS adds on its own', () => {
    // Prepare
    const unsampled = loadEvent('api-gateway-rest');
    delete unsampled['multiValueHeaders'];
    unsampled['headers'] = { 'X-Amzn-Trace-Id': 'Root=1-65f1c3a1-3a1b2c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=0' };
    const rootOnly = loadEvent('api-gateway-rest');
    delete rootOnly['multiValueHeaders'];
    rootOnly['headers'] = { 'X-Amzn-Trace-Id': 'Root=1-597079de-75fec8453f6fd4812414a4cd' };

    // Act
    const triggers = [extractTrigger(unsampled), extractTrigger(rootOnly)];

    // Assess
    expect(triggers.map((trigger) => trigger.parent)).toEqual([undefined, undefined]);
  });

  it('ignores malformed trace headers without failing', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');
    event['multiValueHeaders'] = { traceparent: ['00-zzzz-yyyy-01'], baggage: ['=;=;,,'], 'x-amzn-trace-id': ['Root=;Parent=;Sampled=1'] };

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(spanContextOf(trigger.parent)).toBeUndefined();
    expect(trigger.spanName).toBe('GET /orders/{id}');
  });

  it('describes a console test invoke with no headers, a catch-all route and a base64 body', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest-minimal');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('POST /{proxy+}');
    expect(trigger.parent).toBeUndefined();
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'http',
      'http.request.method': 'POST',
      'http.route': '/{proxy+}',
      'url.path': '/upload',
      'url.scheme': 'https',
      'user_agent.original': 'aws-internal/3 aws-sdk-java/1.12.772',
      'client.address': 'test-invoke-source-ip',
    });
  });

  it('reports an unknown method as _OTHER and names the span HTTP', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');
    event['httpMethod'] = 'PURGE';

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.spanName).toBe('HTTP /orders/{id}');
    expect(trigger.attributes).toMatchObject({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' });
  });

  it('sets the response status from the result, failing the span on 5xx only', () => {
    // Prepare
    const trigger = extractTrigger(loadEvent('api-gateway-rest'));

    // Act
    const described = [{ statusCode: 200, body: '' }, { statusCode: 404 }, { statusCode: 503 }, { statusCode: '201' }].map((result) => describePosted(trigger, result));

    // Assess
    expect(described).toEqual([
      { attributes: { 'http.response.status_code': 200 }, isError: false },
      { attributes: { 'http.response.status_code': 404 }, isError: false },
      { attributes: { 'http.response.status_code': 503, 'error.type': '503' }, isError: true },
      { attributes: { 'http.response.status_code': 201 }, isError: false },
    ]);
  });

  it('does not guess a status when the result has none (API Gateway answers that itself)', () => {
    // Prepare
    const trigger = extractTrigger(loadEvent('api-gateway-rest'));

    // Act
    const described = [undefined, 'ok', { body: 'x' }, { statusCode: 'abc' }, { statusCode: 1000 }].map((result) => describePosted(trigger, result));

    // Assess
    described.forEach((description) => expect(description).toEqual({ attributes: {}, isError: false }));
  });
});
