/**
 * Issue 5, sampling: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, and the sampled flag a caller
 * sends in an HTTP event's `traceparent`, checked against what reached the collector.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.ts';
import {
  CJS_FIXTURE,
  NODE_24,
  SPAN_KIND_SERVER,
  bodyJson,
  invocationSpansOf,
  layerLines,
  runWithLayer,
  statusesOf,
  runWithoutLayer,
  traceparent,
  withReceiver,
  xrayHeader,
} from '../support/config-harness.ts';

jest.setTimeout(60_000);

const EVENT = { echo: 'sampling' };

describe('OTEL_TRACES_SAMPLER on Node 24 with aws-lambda-ric v4', () => {
  it('always_off: exports nothing and the function answers exactly as without the layer', async () => {
    await withReceiver(async (receiver) => {
      // Prepare
      const spec = { taskRoot: CJS_FIXTURE, functionName: 'cfg-sampler-off', invokes: [{ event: EVENT }, { event: EVENT }] };

      // Act
      const bare = await runWithoutLayer(NODE_24, spec);
      const traced = await runWithLayer(NODE_24, { ...spec, env: { OTEL_TRACES_SAMPLER: 'always_off', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });

      // Assess
      expect(statusesOf(traced)).toEqual(['success', 'success']);
      traced.results.forEach((result, index) => expect(result.body?.equals(bare.results[index]!.body!)).toBe(true));
      expect(receiver.requests).toEqual([]);
      expect(layerLines(traced.logs)).toEqual([]);
    });
  });

  it('traceidratio with OTEL_TRACES_SAMPLER_ARG=0: exports nothing, even under a sampled X-Ray header', async () => {
    await withReceiver(async (receiver) => {
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-sampler-ratio-0',
        env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: EVENT, options: { traceHeader: xrayHeader(true).header } }, { event: EVENT }],
      });

      expect(statusesOf(run)).toEqual(['success', 'success']);
      expect(bodyJson(run.results[0]!)).toEqual({ shape: 'cjs', echo: 'sampling', downstream: null });
      expect(receiver.requests).toEqual([]);
      expect(layerLines(run.logs)).toEqual([]);
    });
  });

  it('parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG=0: a sampled X-Ray parent wins, a root is dropped', async () => {
    await withReceiver(async (receiver) => {
      // Prepare
      const sampledParent = xrayHeader(true);
      const unsampled = xrayHeader(false);

      // Act
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-sampler-parentbased-ratio-0',
        env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [
          { event: EVENT, options: { traceHeader: sampledParent.header } },
          // Sampled=0 is not adopted as parent by default, so this invocation is a root: ratio 0 drops it.
          { event: EVENT, options: { traceHeader: unsampled.header } },
        ],
      });

      // Assess
      expect(statusesOf(run)).toEqual(['success', 'success']);
      const [sampled, dropped] = run.results.map((result) => invocationSpansOf(receiver.spans(), result.requestId));
      expect(sampled).toHaveLength(1);
      expect(sampled![0]!.traceId).toBe(sampledParent.traceId);
      expect(sampled![0]!.parentSpanId).toBe(sampledParent.parentId);
      expect(dropped).toEqual([]);
      expect(receiver.spans().filter((span) => span.traceId !== sampledParent.traceId)).toEqual([]);
    });
  });
});

describe('the sampled flag of an API Gateway HTTP API request on Node 24 with aws-lambda-ric v4', () => {
  const apiEvent = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', 'api-gateway-http.json'), 'utf8')) as {
    headers: Record<string, string>;
  };
  const withTraceparent = (header: string): unknown => ({ ...apiEvent, headers: { ...apiEvent.headers, traceparent: header } });

  it('traceparent flag 00 → nothing exported under the default parent-based sampler; flag 01 → the caller is the parent', async () => {
    await withReceiver(async (receiver) => {
      // Prepare: both invocations also carry a sampled X-Ray header (the sandbox default); the request's own context must win.
      const notSampled = traceparent(false);
      const sampled = traceparent(true);

      // Act
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-apigw-traceparent',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [
          { event: withTraceparent(notSampled.header), options: { traceHeader: xrayHeader(true).header } },
          { event: withTraceparent(sampled.header), options: { traceHeader: xrayHeader(true).header } },
        ],
      });

      // Assess
      expect(statusesOf(run)).toEqual(['success', 'success']);
      const [first, second] = run.results.map((result) => invocationSpansOf(receiver.spans(), result.requestId));
      expect(first).toEqual([]);
      expect(receiver.spans().filter((span) => span.traceId === notSampled.traceId)).toEqual([]);
      expect(second).toHaveLength(1);
      expect(second![0]).toEqual(
        expect.objectContaining({ traceId: sampled.traceId, parentSpanId: sampled.spanId, kind: SPAN_KIND_SERVER, name: 'GET /orders/{id}' }),
      );
    });
  });
});
