/**
 * Issue 5, propagation: OTEL_PROPAGATORS decides which headers an outgoing HTTP call of the
 * handler carries (recorded by a local downstream server), and `xray-lambda` makes an unsampled
 * invocation X-Ray header the invocation's parent.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  CJS_FIXTURE,
  NODE_22,
  NODE_24,
  clientChildrenOf,
  invocationSpansOf,
  layerLines,
  runWithLayer,
  statusesOf,
  withReceiver,
  xrayHeader,
} from '../support/config-harness.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import type { RuntimeCombination } from '../support/layer-function.ts';

jest.setTimeout(60_000);

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;
const XRAY_ROOT = /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/;

let downstream: LocalHttpServer;

beforeAll(async () => {
  downstream = await startLocalHttpServer();
});

afterAll(async () => {
  await downstream?.close();
});

/** The headers of the one request the handler made to `path`. */
function headersReceivedAt(path: string): IncomingHttpHeaders {
  const requests = downstream.requests.filter((request) => request.url === path);
  expect(requests).toHaveLength(1);
  return requests[0]!.headers;
}

function xrayTraceIdOf(header: unknown): string | undefined {
  const match = typeof header === 'string' ? XRAY_ROOT.exec(header) : null;
  return match === null ? undefined : `${match[1]}${match[2]}`;
}

describe('OTEL_PROPAGATORS for outgoing calls on Node 24 with aws-lambda-ric v4', () => {
  it.each([
    { setting: 'unset (tracecontext,baggage,xray)', propagators: undefined, traceparent: true, xray: true },
    { setting: 'tracecontext', propagators: 'tracecontext', traceparent: true, xray: false },
    { setting: 'xray', propagators: 'xray', traceparent: false, xray: true },
    { setting: 'none', propagators: 'none', traceparent: false, xray: false },
  ])('OTEL_PROPAGATORS $setting → traceparent: $traceparent, X-Amzn-Trace-Id: $xray', async ({ propagators, traceparent, xray }) => {
    await withReceiver(async (receiver) => {
      // Prepare
      const path = `/propagators/${propagators ?? 'default'}`;
      const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
      if (propagators !== undefined) env['OTEL_PROPAGATORS'] = propagators;

      // Act
      const run = await runWithLayer(NODE_24, {
        taskRoot: CJS_FIXTURE,
        functionName: 'cfg-propagators',
        env,
        invokes: [{ event: { echo: 'propagate', downstream: `${downstream.url}${path}` } }],
      });

      // Assess: the call is traced whatever is propagated, and carries exactly the chosen headers.
      expect(statusesOf(run)).toEqual(['success']);
      expect(layerLines(run.logs)).toEqual([]);
      const invocation = invocationSpansOf(receiver.spans(), run.results[0]!.requestId);
      expect(invocation).toHaveLength(1);
      const [client] = clientChildrenOf(receiver.spans(), invocation[0]!);
      expect(client).toBeDefined();
      const headers = headersReceivedAt(path);
      if (traceparent) expect(headers['traceparent']).toBe(`00-${client!.traceId}-${client!.spanId}-01`);
      else expect(headers['traceparent']).toBeUndefined();
      if (xray) {
        expect(xrayTraceIdOf(headers['x-amzn-trace-id'])).toBe(client!.traceId);
        expect(headers['x-amzn-trace-id']).toContain(`Parent=${client!.spanId}`);
        expect(headers['x-amzn-trace-id']).toContain('Sampled=1');
      } else {
        expect(headers['x-amzn-trace-id']).toBeUndefined();
      }
    });
  });
});

describe.each([NODE_24, NODE_22])('an unsampled invocation X-Ray header on Node $node with aws-lambda-ric $ric', (runtime: RuntimeCombination) => {
  const label = `node${runtime.node}-${runtime.ric}`;

  it('with xray-lambda in OTEL_PROPAGATORS becomes the parent, so (parent-based) nothing is exported', async () => {
    await withReceiver(async (receiver) => {
      // Prepare
      const invocationHeader = xrayHeader(false);
      const path = `/xray-lambda/${label}`;

      // Act
      const run = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `cfg-xray-lambda-${label}`,
        env: { OTEL_PROPAGATORS: 'tracecontext,baggage,xray-lambda', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: { echo: 'xray', downstream: `${downstream.url}${path}` }, options: { traceHeader: invocationHeader.header } }],
      });

      // Assess: the handler's context continued the X-Ray trace, unsampled, and nothing was exported.
      expect(statusesOf(run)).toEqual(['success']);
      expect(receiver.requests).toEqual([]);
      const headers = headersReceivedAt(path);
      const parsed = TRACEPARENT.exec(String(headers['traceparent']));
      expect(parsed?.[1]).toBe(invocationHeader.traceId);
      expect(parsed?.[3]).toBe('00');
      expect(xrayTraceIdOf(headers['x-amzn-trace-id'])).toBe(invocationHeader.traceId);
      expect(headers['x-amzn-trace-id']).toContain('Sampled=0');
      expect(layerLines(run.logs)).toEqual([]);
    });
  });

  it('with xray-lambda and OTEL_TRACES_SAMPLER=always_on, the exported invocation span is a child of the X-Ray segment', async () => {
    await withReceiver(async (receiver) => {
      // Prepare
      const invocationHeader = xrayHeader(false);

      // Act
      const run = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `cfg-xray-lambda-on-${label}`,
        env: { OTEL_PROPAGATORS: 'tracecontext,baggage,xray-lambda', OTEL_TRACES_SAMPLER: 'always_on', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: { echo: 'xray' }, options: { traceHeader: invocationHeader.header } }],
      });

      // Assess
      expect(statusesOf(run)).toEqual(['success']);
      const invocation = invocationSpansOf(receiver.spans(), run.results[0]!.requestId);
      expect(invocation).toHaveLength(1);
      expect(invocation[0]!.traceId).toBe(invocationHeader.traceId);
      expect(invocation[0]!.parentSpanId).toBe(invocationHeader.parentId);
    });
  });

  it('with the default propagators is not adopted: the invocation is traced as a new root', async () => {
    await withReceiver(async (receiver) => {
      // Prepare
      const invocationHeader = xrayHeader(false);
      const path = `/xray-default/${label}`;

      // Act
      const run = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `cfg-xray-default-${label}`,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: [{ event: { echo: 'xray', downstream: `${downstream.url}${path}` }, options: { traceHeader: invocationHeader.header } }],
      });

      // Assess
      expect(statusesOf(run)).toEqual(['success']);
      const invocation = invocationSpansOf(receiver.spans(), run.results[0]!.requestId);
      expect(invocation).toHaveLength(1);
      expect(invocation[0]!.parentSpanId).toBe('');
      expect(invocation[0]!.traceId).not.toBe(invocationHeader.traceId);
      const parsed = TRACEPARENT.exec(String(headersReceivedAt(path)['traceparent']));
      expect(parsed?.[1]).toBe(invocation[0]!.traceId);
      expect(parsed?.[3]).toBe('01');
    });
  });
});
