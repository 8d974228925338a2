/**
 * Issue 15, what an invocation reports besides its outcome, end to end: partial batch failures,
 * opt-in payload capture (redacted, bounded) and opt-in log correlation in Lambda's JSON log
 * format. Differential: the same fixture runs bare, with the layer's defaults, and with both
 * options on, with the same request ids; without the options the runtime's log output must be
 * byte for byte the bare runtime's, and with correlation on it must differ only by the fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFunction, startOtlpReceiver, type DecodedSpan, type FunctionSpec, type InvokeResult, type LambdaInstance, type LogLine, type OtlpReceiver } from '../sandbox/index.ts';
import { invocationSpansOf, LAYER_LOG_PREFIX } from '../support/config-harness.ts';
import { STATUS_CODE_ERROR } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction, type RuntimeCombination } from '../support/layer-function.ts';
import { HANDLER_FIXTURES, REPO_ROOT } from '../support/paths.ts';

jest.setTimeout(90_000);

const TASK_ROOT = join(HANDLER_FIXTURES, 'reporting');
const BATCH_FAILURE_COUNT = 'aws.lambda.batch_item_failures.count';
const BATCH_FAILURE_IDS = 'aws.lambda.batch_item_failures.item_identifiers';
const EVENT_ATTRIBUTE = 'aws.lambda.event';
const RESPONSE_ATTRIBUTE = 'aws.lambda.response';
const WITH_OPTIONS = { OTEL_LAMBDA_LOG_CORRELATION: 'true', OTEL_LAMBDA_CAPTURE_PAYLOAD: 'true' };
const TRACE_FIELDS = /,"trace_id":"([0-9a-f]{32})","span_id":"([0-9a-f]{16})","trace_flags":"0[01]"(?=}$)/;

type Json = Record<string, unknown>;

function loadEvent(name: string): Json {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'events', `${name}.json`), 'utf8')) as Json;
}

/** An SQS batch whose second message the fixture reports as failed. */
function sqsEvent(): Json {
  const event = loadEvent('sqs');
  const records = event['Records'] as Json[];
  records.forEach((record, index) => (record['body'] = index === 1 ? 'fail' : 'ok'));
  return event;
}

/** An HTTP API request full of secrets the payload capture must not record. */
function httpEvent(): Json {
  const event = loadEvent('api-gateway-http');
  event['headers'] = { ...(event['headers'] as Json), authorization: 'Bearer REQUEST-SECRET', cookie: 'sid=REQUEST-SECRET', 'x-api-key': 'REQUEST-SECRET' };
  event['body'] = JSON.stringify({ user: 'jane', password: 'REQUEST-SECRET' });
  event['rawQueryString'] = 'page=2&token=REQUEST-SECRET';
  event['queryStringParameters'] = { page: '2', token: 'REQUEST-SECRET' };
  return event;
}

interface Run {
  readonly results: InvokeResult[];
  readonly logs: LogLine[];
}

/** Same events, same request ids, every run: output compares line for line. */
const INVOKES = [
  { event: sqsEvent(), requestId: '11111111-1111-4111-8111-111111111111' },
  { event: httpEvent(), requestId: '22222222-2222-4222-8222-222222222222' },
];

async function invokeAll(start: Promise<LambdaInstance>): Promise<Run> {
  return withFunction(start, async (fn) => {
    const results: InvokeResult[] = [];
    for (const { event, requestId } of INVOKES) results.push(await fn.invoke(event, { requestId }));
    return { results, logs: fn.logs };
  });
}

/**
 * The runtime process's output as the log stream shows it, per stream (pipes interleave freely),
 * each line with how it came (stdout, stderr, or a telemetry frame and its level), times masked;
 * the layer's own lines are left out (they go to stderr and are not the function's output).
 */
function outputOf(logs: readonly LogLine[]): Record<string, string[]> {
  const streams: Record<string, string[]> = {};
  for (const entry of logs) {
    if (entry.source !== 'runtime' || entry.line.includes(LAYER_LOG_PREFIX)) continue;
    const stream = entry.telemetry === undefined ? entry.stream : `frame ${entry.telemetry.format} ${entry.telemetry.level}`;
    (streams[stream] ??= []).push(entry.line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>'));
  }
  return streams;
}

function withoutTraceFields(output: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(output).map(([stream, lines]) => [stream, lines.map((line) => line.replace(TRACE_FIELDS, ''))]));
}

/** Every string value an exported span carries. */
function attributeStrings(spans: readonly DecodedSpan[]): string[] {
  return spans.flatMap((span) => Object.values(span.attributes).flatMap((value) => (Array.isArray(value) ? value.map(String) : [String(value)])));
}

describe.each(RUNTIME_COMBINATIONS)('invocation reports on Node $node with aws-lambda-ric $ric', (runtime: RuntimeCombination) => {
  let receiver: OtlpReceiver;
  let bare: Run;
  let defaults: Run;
  let withOptions: Run;
  const name = (mode: string): string => `reports-${mode}-node${runtime.node}-${runtime.ric}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const spec = (mode: string, env: Record<string, string> = {}): FunctionSpec => ({
      ...runtime,
      taskRoot: TASK_ROOT,
      handler: 'index.handler',
      functionName: name(mode),
      logFormat: 'JSON',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env },
    });
    [bare, defaults, withOptions] = await Promise.all([
      invokeAll(startFunction(spec('bare'))),
      invokeAll(startWithLayer(spec('defaults'))),
      invokeAll(startWithLayer(spec('options', WITH_OPTIONS))),
    ]);
  });

  afterAll(async () => {
    await receiver?.close();
  });

  const spansOf = (run: Run, index: number): DecodedSpan[] => invocationSpansOf(receiver.spans(), run.results[index]!.requestId).filter((span) => span.resource['service.name'] === name(run === defaults ? 'defaults' : 'options'));

  it('answers as without the layer', () => {
    const answers = (run: Run): unknown[] => run.results.map((result) => [result.status, result.body?.toString('utf8')]);
    expect(answers(defaults)).toEqual(answers(bare));
    expect(answers(withOptions)).toEqual(answers(bare));
  });

  it('writes log output byte for byte as the bare runtime does without OTEL_LAMBDA_LOG_CORRELATION', () => {
    expect(outputOf(bare.logs)['frame json INFO']?.length).toBeGreaterThan(0);
    expect(outputOf(defaults.logs)).toEqual(outputOf(bare.logs));
  });

  it("adds the invocation span's trace and span ids to every JSON record written during an invocation, and changes nothing else", () => {
    // Only the fields differ.
    expect(withoutTraceFields(outputOf(withOptions.logs))).toEqual(outputOf(bare.logs));
    // Records written during an invocation carry its span; the one written at init does not.
    const records = Object.entries(outputOf(withOptions.logs))
      .filter(([stream]) => stream.startsWith('frame json'))
      .flatMap(([, lines]) => lines);
    const invocations = [0, 1].map((index) => spansOf(withOptions, index)[0]!);
    for (const line of records) {
      const record = JSON.parse(line) as { requestId?: string; trace_id?: string; span_id?: string };
      const index = INVOKES.findIndex((invoke) => invoke.requestId === record.requestId);
      if (index < 0) {
        expect(record.trace_id).toBeUndefined();
        continue;
      }
      expect({ trace_id: record.trace_id, span_id: record.span_id }).toEqual({ trace_id: invocations[index]!.traceId, span_id: invocations[index]!.spanId });
    }
    expect(records.filter((line) => TRACE_FIELDS.test(line))).toHaveLength(8);
  });

  it('records a partial batch failure on the invocation span, without an error status', () => {
    const failedId = ((INVOKES[0]!.event['Records'] as Json[])[1]!['messageId']) as string;
    for (const run of [defaults, withOptions]) {
      const [span] = spansOf(run, 0);
      expect(span?.attributes[BATCH_FAILURE_COUNT]).toBe(1);
      expect(span?.attributes[BATCH_FAILURE_IDS]).toEqual([failedId]);
      expect(span?.status.code).not.toBe(STATUS_CODE_ERROR);
    }
  });

  it('records the event and the response only when asked, without secrets or headers outside the allowlist', () => {
    expect([0, 1].flatMap((index) => spansOf(defaults, index)).filter((span) => EVENT_ATTRIBUTE in span.attributes || RESPONSE_ATTRIBUTE in span.attributes)).toEqual([]);
    const [http] = spansOf(withOptions, 1);
    const event = JSON.parse(String(http?.attributes[EVENT_ATTRIBUTE])) as Json;
    const response = JSON.parse(String(http?.attributes[RESPONSE_ATTRIBUTE])) as Json;
    // The headers the triggers may read (src/triggers/http-headers.ts), no others.
    const allowlist = ['host', 'user-agent', 'x-forwarded-for', 'x-forwarded-proto', 'traceparent', 'tracestate', 'baggage', 'x-amzn-trace-id'];
    expect(Object.keys(event['headers'] as Json).sort()).toEqual(Object.keys(INVOKES[1]!.event['headers'] as Json).filter((header) => allowlist.includes(header)).sort());
    expect(event['body']).toEqual({ user: 'jane', password: '[REDACTED]' });
    expect(event['queryStringParameters']).toEqual({ page: '2', token: '[REDACTED]' });
    expect(response).toEqual({ statusCode: 200, headers: {}, body: { ok: true, sessionToken: '[REDACTED]' } });
    const [batch] = spansOf(withOptions, 0);
    expect((JSON.parse(String(batch?.attributes[RESPONSE_ATTRIBUTE])) as Json)['batchItemFailures']).toHaveLength(1);
    expect(attributeStrings(receiver.spans()).filter((value) => value.includes('SECRET'))).toEqual([]);
  });
});

describe('log correlation with the text log format (Node 24, aws-lambda-ric v4)', () => {
  it('leaves the output as the bare runtime writes it and says why once', async () => {
    // Prepare
    const spec: FunctionSpec = { node: 24, ric: 'v4', taskRoot: TASK_ROOT, handler: 'index.handler', functionName: 'reports-text', env: { ...WITH_OPTIONS, OTEL_TRACES_EXPORTER: 'none' } };

    // Act
    const [bare, traced] = await Promise.all([invokeAll(startFunction(spec)), invokeAll(startWithLayer(spec))]);

    // Assess
    expect(outputOf(traced.logs)).toEqual(outputOf(bare.logs));
    expect(traced.logs.filter((entry) => entry.line.includes(LAYER_LOG_PREFIX)).map((entry) => entry.line)).toEqual([
      expect.stringContaining('OTEL_LAMBDA_LOG_CORRELATION=true needs the JSON log format'),
    ]);
  });
});
