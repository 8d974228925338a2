/**
 * samples/http-api through its own run.sh: an ES module on Node 24 behind an API Gateway HTTP
 * API, reading DynamoDB with AWS SDK v3 and calling the inventory service with fetch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSamTemplate } from '../samples/from-sam.ts';
import { readSampleConfig } from '../samples/sample-config.ts';
import { SPAN_KIND_SERVER, isAwsSdkSpan } from '../support/config-harness.ts';
import { SAMPLES_DIR, SAMPLE_RUN_TIMEOUT_MS, httpResponseOf, runSampleLocally, samFunctionFacts, tracedInvocations, type SampleRun } from '../support/sample-run.ts';

jest.setTimeout(SAMPLE_RUN_TIMEOUT_MS);

const SAMPLE = join(SAMPLES_DIR, 'http-api');
const config = readSampleConfig(SAMPLE);
const eventOf = (file: string): { routeKey: string; pathParameters: { orderId: string } } => JSON.parse(readFileSync(join(SAMPLE, file), 'utf8'));
/** The stub table's items, by order id, as local-run.json seeds them. */
const orders = new Map((config.dynamodb?.['orders'] ?? []).map((item) => [String(item['orderId']?.['S']), item]));

describe('samples/http-api', () => {
  let run: SampleRun;

  beforeAll(async () => {
    run = await runSampleLocally('http-api');
  });

  it('answers each HTTP API event from DynamoDB and the inventory service, and 404 for an unknown order', () => {
    const answers = run.report.invocations.map((invocation) => ({ event: invocation.event, status: invocation.status, statusCode: httpResponseOf(invocation).statusCode }));

    expect(answers).toEqual(
      config.events.map((event) => ({ event, status: 'success', statusCode: orders.has(eventOf(event).pathParameters.orderId) ? 200 : 404 })),
    );
  });

  it('names each invocation span after the route, with the request and response HTTP attributes', () => {
    for (const { invocation, span } of tracedInvocations(run.report)) {
      const event = eventOf(invocation.event);
      expect({ name: span.name, kind: span.kind }).toEqual({ name: event.routeKey, kind: SPAN_KIND_SERVER });
      expect(span.attributes).toEqual(
        expect.objectContaining({
          'faas.trigger': 'http',
          'http.request.method': 'GET',
          'http.route': '/orders/{orderId}',
          'url.path': `/orders/${event.pathParameters.orderId}`,
          'http.response.status_code': httpResponseOf(invocation).statusCode,
        }),
      );
    }
  });

  it('traces the DynamoDB GetItem call and, for a known order, the inventory fetch beneath the invocation span', () => {
    for (const { invocation, clients } of tracedInvocations(run.report)) {
      const order = orders.get(eventOf(invocation.event).pathParameters.orderId);
      const [dynamodb, ...fetches] = clients;

      expect(dynamodb !== undefined && isAwsSdkSpan(dynamodb)).toBe(true);
      expect(dynamodb?.attributes['rpc.method']).toBe('GetItem');
      expect(fetches.map((span) => new URL(String(span.attributes['url.full'])).pathname)).toEqual(order === undefined ? [] : [`/stock/${String(order['sku']?.['S'])}`]);
    }
  });

  it('prints the responses and the waterfall of every trace', () => {
    expect(run.stdout).toContain('"statusCode":200');
    expect(run.stdout).toContain('"statusCode":404');
    // The cold start's bar starts late: its init span, drawn beneath it in the same trace, began earlier.
    expect(run.stdout.match(/^ {2}GET \/orders\/\{orderId\} +\| *█+/gm)).toHaveLength(config.events.length);
  });

  it('runs what template.yaml deploys: Node 24, ES module handler, the layer parameter and the exec wrapper', () => {
    const api = readSamTemplate(join(SAMPLE, 'template.yaml')).Resources?.['OrdersFunction']?.Properties?.Events?.['GetOrder']?.Properties;

    expect(samFunctionFacts(SAMPLE, 'OrdersFunction')).toEqual({ runtime: 'nodejs24.x', type: 'module', layers: [{ kind: 'parameter', name: 'OtelLayerArn' }], wrapper: '/opt/otel-handler' });
    expect(run.report.runtime).toBe('nodejs24.x');
    // The events are what this API sends: its route.
    expect(new Set(config.events.map((event) => eventOf(event).routeKey))).toEqual(new Set([`${String(api?.['Method'])} ${String(api?.['Path'])}`]));
  });
});
