/**
 * Issue 5, exporters: OTEL_TRACES_EXPORTER and the OTEL_EXPORTER_OTLP_* variables, each checked
 * against what the local collector (or the function's output) actually received.
 */
import { gunzipSync } from 'node:zlib';
import { decodeOtlpJson, decodeOtlpProtobuf, startOtlpReceiver, type DecodedSpan, type LogLine } from '../sandbox/index.ts';
import {
  CJS_FIXTURE,
  NODE_22,
  NODE_24,
  bodyJson,
  invocationSpansOf,
  layerLines,
  layerWarnings,
  outputLines,
  runWithLayer,
  statusesOf,
  withReceiver,
  type Run,
} from '../support/config-harness.ts';
import type { RuntimeCombination } from '../support/layer-function.ts';
import { ATTR_FAAS_INVOCATION_ID } from '../../src/semconv.ts';

jest.setTimeout(60_000);

const EVENT = { echo: 'exporters' };
/** What the cjs fixture answers to EVENT, with or without the layer. */
const EXPECTED_BODY = { shape: 'cjs', echo: 'exporters', downstream: null };

function runCjs(runtime: RuntimeCombination, functionName: string, env: Record<string, string>): Promise<Run> {
  return runWithLayer(runtime, { taskRoot: CJS_FIXTURE, functionName, env, invokes: [{ event: EVENT }] });
}

/** The one invocation span of the run's single invoke among `spans`. */
function theInvocationSpan(spans: readonly DecodedSpan[], run: Run): DecodedSpan {
  const found = invocationSpansOf(spans, run.results[0]!.requestId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('OTEL_TRACES_EXPORTER on Node 24 with aws-lambda-ric v4', () => {
  it('sends OTLP http/protobuf to the collector by default', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-exporter-default', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual(EXPECTED_BODY);
      const span = theInvocationSpan(receiver.spans(), run);
      const request = receiver.requests.find((candidate) => candidate.spans.includes(span))!;
      expect(request.path).toBe('/v1/traces');
      expect(request.contentType).toBe('application/x-protobuf');
      expect(request.headers['content-encoding']).toBeUndefined();
      expect(layerLines(run.logs)).toEqual([]);
    });
  });

  it('none: sends nothing and the function answers as usual', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-exporter-none', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual(EXPECTED_BODY);
      expect(receiver.requests).toEqual([]);
      expect(layerLines(run.logs)).toEqual([]);
    });
  });
});

describe('OTEL_TRACES_EXPORTER as a list on Node 24 with aws-lambda-ric v4', () => {
  it('otlp,console: sends to the collector and prints the span, without a warning', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-exporter-list', { OTEL_TRACES_EXPORTER: 'otlp,console', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual(EXPECTED_BODY);
      theInvocationSpan(receiver.spans(), run);
      expect(run.logs.map((entry) => entry.line).join('\n')).toContain(run.results[0]!.requestId);
      expect(layerLines(run.logs)).toEqual([]);
    });
  });

  it('skips an unknown entry with one warning and uses the others', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-exporter-list-unknown', { OTEL_TRACES_EXPORTER: 'zipkin,otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      theInvocationSpan(receiver.spans(), run);
      const warnings = layerWarnings(run.logs);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('OTEL_TRACES_EXPORTER');
      expect(warnings[0]).toContain('"zipkin"');
    });
  });
});

describe('OTEL_LAMBDA_SEMCONV_COMPAT on Node 24 with aws-lambda-ric v4', () => {
  it.each([
    ['', [ATTR_FAAS_INVOCATION_ID]],
    ['faas/dup', [ATTR_FAAS_INVOCATION_ID, 'faas.invocation_id']],
    ['faas/old', ['faas.invocation_id']],
  ])('%j puts the invocation id under %j', async (compat, names) => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-semconv', { OTEL_LAMBDA_SEMCONV_COMPAT: compat, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      const requestId = run.results[0]!.requestId;
      const span = receiver.spans().find((candidate) => Object.values(candidate.attributes).includes(requestId));
      expect(Object.keys(span?.attributes ?? {}).filter((name) => span?.attributes[name] === requestId).sort()).toEqual([...names].sort());
      expect(layerLines(run.logs)).toEqual([]);
    });
  });
});

describe.each([NODE_24, NODE_22])('OTEL_TRACES_EXPORTER writing to the function output on Node $node with aws-lambda-ric $ric', (runtime) => {
  const label = `node${runtime.node}-${runtime.ric}`;

  it('console: prints the invocation span to the output and sends nothing', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(runtime, `cfg-exporter-console-${label}`, { OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual(EXPECTED_BODY);
      expect(receiver.requests).toEqual([]);
      // ConsoleSpanExporter prints each span as an inspected object, attributes included.
      const output = run.logs.map((entry) => entry.line).join('\n');
      expect(output).toContain(run.results[0]!.requestId);
      expect(output).toMatch(/traceId: '[0-9a-f]{32}'/);
      expect(output).toContain(`name: 'cfg-exporter-console-${label}'`);
    });
  });

  it('otlp-stdout: writes one stdout line per batch holding the OTLP/JSON request, and sends nothing', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(runtime, `cfg-exporter-stdout-${label}`, { OTEL_TRACES_EXPORTER: 'otlp-stdout', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual(EXPECTED_BODY);
      expect(receiver.requests).toEqual([]);
      const records = stdoutRecords(run.logs);
      expect(records).toHaveLength(1);
      const record = records[0]!;
      expect(record).toEqual(
        expect.objectContaining({
          __otel_otlp_stdout: expect.any(String),
          endpoint: `${receiver.url}/v1/traces`,
          'content-type': 'application/json',
          base64: false,
        }),
      );
      const decoded = decodeOtlpJson(record['payload'], 'traces');
      const span = theInvocationSpan(decoded.spans, run);
      expect(span.resource['service.name']).toBe(`cfg-exporter-stdout-${label}`);
    });
  });

  it('otlp-stdout with OTEL_LAMBDA_OTLP_STDOUT_COMPRESSION=gzip: the payload is base64 gzip of the OTLP/JSON request', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(runtime, `cfg-exporter-stdout-gzip-${label}`, {
        OTEL_TRACES_EXPORTER: 'otlp-stdout',
        OTEL_LAMBDA_OTLP_STDOUT_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      });

      expect(statusesOf(run)).toEqual(['success']);
      expect(receiver.requests).toEqual([]);
      const records = stdoutRecords(run.logs);
      expect(records).toHaveLength(1);
      const record = records[0]!;
      expect(record).toEqual(expect.objectContaining({ 'content-encoding': 'gzip', base64: true, payload: expect.any(String) }));
      const json = gunzipSync(Buffer.from(record['payload'] as string, 'base64')).toString('utf8');
      theInvocationSpan(decodeOtlpJson(json, 'traces').spans, run);
    });
  });
});

/** The otlp-stdout records among the function's stdout lines; every line must be a whole record. */
function stdoutRecords(logs: readonly LogLine[]): Array<Record<string, unknown>> {
  const lines = outputLines(logs, 'stdout').filter((line) => line.includes('__otel_otlp_stdout'));
  return lines.map((line) => {
    expect(line.startsWith('{"__otel_otlp_stdout"')).toBe(true);
    return JSON.parse(line) as Record<string, unknown>;
  });
}

describe('OTEL_EXPORTER_OTLP_* on Node 24 with aws-lambda-ric v4', () => {
  it.each<{ variables: Record<string, string>; contentType: string }>([
    { variables: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, contentType: 'application/json' },
    { variables: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, contentType: 'application/json' },
    // The signal-specific variable wins over the general one, both ways.
    { variables: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, contentType: 'application/json' },
    { variables: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, contentType: 'application/x-protobuf' },
  ])('protocol $variables → $contentType, spans decoded', async ({ variables, contentType }) => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-protocol', { ...variables, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(receiver.requests.length).toBeGreaterThan(0);
      expect(receiver.requests.map((request) => [request.contentType, request.decodeError])).toEqual(receiver.requests.map(() => [contentType, undefined]));
      const span = theInvocationSpan(receiver.spans(), run);
      expect(span.attributes['faas.coldstart']).toBe(true);
      expect(span.resource['service.name']).toBe('cfg-protocol');
      expect(layerLines(run.logs)).toEqual([]);
    });
  });

  it('grpc (not bundled): one warning naming the variable, then http/protobuf', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-protocol-grpc', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      expect(bodyJson(run.results[0]!)).toEqual(EXPECTED_BODY);
      const warnings = layerWarnings(run.logs);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('OTEL_EXPORTER_OTLP_PROTOCOL');
      expect(warnings[0]).toContain('grpc');
      expect(warnings[0]).toContain('http/protobuf');
      theInvocationSpan(receiver.spans(), run);
      expect(receiver.requests.map((request) => request.contentType)).toEqual(receiver.requests.map(() => 'application/x-protobuf'));
    });
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as the full URL and wins over OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    // Answers 200 on any path (the default receiver refuses paths other than /v1/*).
    const custom = await startOtlpReceiver({ responder: () => ({ status: 200 }) });
    try {
      await withReceiver(async (general) => {
        const run = await runCjs(NODE_24, 'cfg-traces-endpoint', {
          OTEL_EXPORTER_OTLP_ENDPOINT: general.url,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${custom.url}/custom/otlp/traces`,
        });

        expect(statusesOf(run)).toEqual(['success']);
        expect(general.requests).toEqual([]);
        expect(custom.requests.length).toBeGreaterThan(0);
        expect(custom.requests.map((request) => request.path)).toEqual(custom.requests.map(() => '/custom/otlp/traces'));
        const spans = custom.requests.flatMap((request) => decodeOtlpProtobuf(request.body, 'traces').spans);
        theInvocationSpan(spans, run);
        expect(layerLines(run.logs)).toEqual([]);
      });
    } finally {
      await custom.close();
    }
  });

  it('OTEL_EXPORTER_OTLP_HEADERS arrive as request headers', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-headers', { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=secret,x-tenant=t1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      const span = theInvocationSpan(receiver.spans(), run);
      const request = receiver.requests.find((candidate) => candidate.spans.includes(span))!;
      expect(request.headers).toEqual(expect.objectContaining({ 'api-key': 'secret', 'x-tenant': 't1' }));
    });
  });

  it('OTEL_EXPORTER_OTLP_COMPRESSION=gzip compresses the request body', async () => {
    await withReceiver(async (receiver) => {
      const run = await runCjs(NODE_24, 'cfg-gzip', { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });

      expect(statusesOf(run)).toEqual(['success']);
      const span = theInvocationSpan(receiver.spans(), run);
      const request = receiver.requests.find((candidate) => candidate.spans.includes(span))!;
      expect(request.headers['content-encoding']).toBe('gzip');
      expect(request.contentType).toBe('application/x-protobuf');
    });
  });

  it('OTEL_EXPORTER_OTLP_TIMEOUT is accepted and bounds one export request', async () => {
    // Prepare: a collector that answers after 400 ms, inside the flush budget (OTEL_LAMBDA_FLUSH_TIMEOUT_MS).
    const slow = await startOtlpReceiver({ responder: () => ({ delayMs: 400 }) });
    try {
      // Act: a generous timeout, then one shorter than the collector's answer.
      const patient = await runCjs(NODE_24, 'cfg-timeout-ok', {
        OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
        OTEL_LAMBDA_FLUSH_TIMEOUT_MS: '2000',
        OTEL_EXPORTER_OTLP_ENDPOINT: slow.url,
      });
      const hasty = await runCjs(NODE_24, 'cfg-timeout-short', {
        OTEL_EXPORTER_OTLP_TIMEOUT: '100',
        OTEL_LAMBDA_FLUSH_TIMEOUT_MS: '2000',
        OTEL_EXPORTER_OTLP_ENDPOINT: slow.url,
      });

      // Assess: both functions answer; only the short timeout made the export fail.
      expect([...statusesOf(patient), ...statusesOf(hasty)]).toEqual(['success', 'success']);
      expect(bodyJson(hasty.results[0]!)).toEqual(EXPECTED_BODY);
      expect(layerLines(patient.logs)).toEqual([]);
      theInvocationSpan(slow.spans(), patient);
      expect(layerWarnings(hasty.logs).some((line) => /span export failed/.test(line))).toBe(true);
    } finally {
      await slow.close();
    }
  });
});
