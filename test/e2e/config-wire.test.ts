/**
 * Issue 12, part 3: settings never reach the wire unvalidated. The built layer runs in the local
 * Lambda with generated settings for every variable it reads, and exports to a raw TCP server
 * that records the exact request bytes (node:http would normalise or refuse what it reads).
 * For any settings: the function answers as the bare runtime does, each bad value gives exactly
 * one warning that names its variable, and every request is well-formed HTTP/1.1 carrying a
 * decodable OTLP payload whose resource holds the service name as configured. Then the cases
 * the issue names, one by one, and a 401 from the endpoint.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpJson, decodeOtlpProtobuf, startFunction, type InvokeResult, type LogLine } from '../sandbox/index.ts';
import { anyText, badHeaderEntry, environmentsOf, VARIABLES, warningsBySubject, type VariableCase } from '../support/config-arbitraries.ts';
import { CJS_FIXTURE, layerWarnings, runWithLayer, statusesOf } from '../support/config-harness.ts';
import { runtimeView } from '../support/differential.ts';
import { RUNTIME_COMBINATIONS, withFunction, type RuntimeCombination } from '../support/layer-function.ts';
import { REPO_ROOT, UNPACKED_LAYER_DIR } from '../support/paths.ts';
import { startRawHttpRecorder, type RawHttpRecorder, type RecordedRequest } from '../support/raw-http-recorder.ts';

jest.setTimeout(300_000);

const EVENT = { echo: 'wire' };
/** Generated functions per runtime: each is a cold start, so few, and most on nodejs24.x. */
const RUNS: Record<string, number> = { 'node24-v4': 6, 'node22-v3': 3, 'node22-v4': 3 };
const SIGNAL_PATHS = { traces: '/t', metrics: '/m', logs: '/l' } as const;
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Lambda's own variables are Lambda's to set, and each signal's endpoint is the recorder (under
 * a generated path); the rest as in the unit tests, with the changes below.
 */
const NOT_GENERATED = [
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'LAMBDA_TASK_ROOT', '_HANDLER', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_RUNTIME_DIR',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
];
const withoutNul = (values: fc.Arbitrary<string>): fc.Arbitrary<string> => values.filter((value) => !value.includes('\0'));
const INSTRUMENTATIONS = ['http', 'undici', 'aws-sdk', 'fs'];
const E2E_VARIABLES: Readonly<Record<string, VariableCase>> = Object.fromEntries(
  Object.entries({
    ...VARIABLES,
    // Levels that hide warnings would hide what is checked here.
    OTEL_LOG_LEVEL: { good: fc.constantFrom('warn', 'INFO', ' debug '), bad: fc.constantFrom('verbose', 'loud', '3') },
    // true is the kill switch: otel-handler then starts nothing at all.
    OTEL_SDK_DISABLED: { good: fc.constantFrom('false', '0', 'FALSE'), bad: fc.constantFrom('yes', 'off', 'disabled') },
    OTEL_SERVICE_NAME: { good: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    OTEL_LAMBDA_HOOKS_MODULE: { good: fc.constant(''), bad: fc.constantFrom('does-not-exist.js', '../nope.mjs') },
    OTEL_NODE_ENABLED_INSTRUMENTATIONS: {
      good: fc.uniqueArray(fc.constantFrom(...INSTRUMENTATIONS), { maxLength: 3 }).map((names) => names.join(',')),
      bad: fc.constantFrom('htp', 'http,nosuch', 'aws-sdk,x1'),
    },
    OTEL_NODE_DISABLED_INSTRUMENTATIONS: { good: fc.constantFrom('', 'fs', 'dns,net'), bad: fc.constantFrom('nosuch', 'http,x2') },
    // Good values that still export each invocation's span before the function shuts down, so
    // every run puts requests on the wire (bad values fall back to defaults, which export too).
    OTEL_TRACES_EXPORTER: { good: fc.constantFrom('otlp', ' OTLP ', 'otlp,console', 'otlp-stdout,otlp'), bad: fc.constantFrom('zipkin', 'otlp,jaeger', 'none,otlp') },
    OTEL_TRACES_SAMPLER: { good: fc.constantFrom('always_on', 'parentbased_always_on', 'PARENTBASED_TRACEIDRATIO'), bad: fc.constantFrom('sometimes', 'always') },
    OTEL_TRACES_SAMPLER_ARG: { good: fc.constantFrom('1', '1.0', ' 1 '), bad: fc.constantFrom('-0.5', 'half', '2') },
    OTEL_LAMBDA_FLUSH_MODE: { good: fc.constantFrom('sync', 'deferred', ' SYNC '), bad: fc.constantFrom('later', 'async') },
    OTEL_EXPORTER_OTLP_TIMEOUT: { good: fc.integer({ min: 2_000, max: 900_000 }).map(String), bad: fc.constantFrom('0', 'soon', '900001') },
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: { good: fc.integer({ min: 2_000, max: 900_000 }).map(String), bad: fc.constantFrom('-1', '1.5', '1e9') },
  }).filter(([name]) => !NOT_GENERATED.includes(name)).map(([name, variable]) => [
    name,
    { ...variable, good: withoutNul(variable.good), ...(variable.bad === undefined ? {} : { bad: withoutNul(variable.bad) }) },
  ]),
);

/** Every signal goes to the recorder, under a path of any characters (the URL encodes them). */
function endpoints(recorder: RawHttpRecorder, garbage: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SIGNAL_PATHS).map(([signal, path]) => [`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`, `${recorder.url}${path}/${garbage}`]),
  );
}

/** What a request carried, decoded as its path and content type say; throws if it cannot be. */
function decode(request: RecordedRequest): ReturnType<typeof decodeOtlpProtobuf> {
  const header = (name: string): string | undefined => request.headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
  const body = header('content-encoding') === 'gzip' ? gunzipSync(request.body) : request.body;
  const signal = (Object.entries(SIGNAL_PATHS).find(([, path]) => request.path.startsWith(`${path}/`))?.[0] ?? 'traces') as keyof typeof SIGNAL_PATHS;
  return header('content-type') === 'application/json' ? decodeOtlpJson(body.toString('utf8'), signal) : decodeOtlpProtobuf(body, signal);
}

/** The layer's warnings, without the log prefix. */
function warningsIn(logs: readonly LogLine[]): string[] {
  return layerWarnings(logs).map((line) => line.slice(line.indexOf(' WARN ') + ' WARN '.length));
}

async function bareResults(runtime: RuntimeCombination): Promise<InvokeResult[]> {
  // The layer's files are in /opt as in every run; the bare runtime does not read OTEL_*.
  const spec = { ...runtime, taskRoot: CJS_FIXTURE, handler: 'index.handler', functionName: `wire-bare-node${runtime.node}-${runtime.ric}`, layerDir: UNPACKED_LAYER_DIR };
  return withFunction(startFunction(spec), async (fn) => [await fn.invoke(EVENT), await fn.invoke(EVENT)]);
}

describe.each(RUNTIME_COMBINATIONS)('configuration on the wire on Node $node with aws-lambda-ric $ric', (runtime) => {
  const label = `node${runtime.node}-${runtime.ric}`;
  let recorder: RawHttpRecorder;
  let bare: InvokeResult[];

  beforeAll(async () => {
    recorder = await startRawHttpRecorder();
    bare = await bareResults(runtime);
  });
  afterAll(async () => {
    await recorder?.close();
  });

  it('for any settings: answers as the bare runtime, warns once per bad value, sends only well-formed requests', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(environmentsOf(E2E_VARIABLES), anyText.filter((text) => !text.includes('\0')), async ({ env, bad }, garbagePath) => {
        // Prepare
        recorder.answerWith(200);
        const sentBefore = recorder.requests.length;
        const functionName = `wire-${label}-${run++}`;

        // Act
        const traced = await runWithLayer(runtime, { taskRoot: CJS_FIXTURE, functionName, env: { ...env, ...endpoints(recorder, garbagePath) }, invokes: [{ event: EVENT }, { event: EVENT }] });

        // Assess: the function's outcome is the bare runtime's.
        expect(traced.results.map(runtimeView)).toEqual(bare.map(runtimeView));
        // One warning for each bad value, none for a good one.
        const counts = warningsBySubject(warningsIn(traced.logs));
        const attributed = Object.fromEntries([...counts].filter(([subject]) => subject !== undefined && subject in E2E_VARIABLES));
        expect(attributed).toEqual(Object.fromEntries(bad.map((name) => [name, 1])));
        // Every request well-formed, with a payload that decodes; the resource as configured.
        const sent = recorder.requests.slice(sentBefore);
        expect(sent.some((request) => request.path.startsWith(`${SIGNAL_PATHS.traces}/`))).toBe(true);
        for (const request of sent) {
          expect({ path: request.path, problems: request.problems }).toEqual({ path: request.path, problems: [] });
          const decoded = decode(request);
          const serviceName = env['OTEL_SERVICE_NAME']?.trim();
          if (serviceName !== undefined && serviceName !== '') expect(decoded.resources.map((resource) => resource['service.name'])).toEqual(decoded.resources.map(() => serviceName));
        }
      }),
      { numRuns: RUNS[label] ?? 3 },
    );
    process.stdout.write(`config on the wire, ${label}: ${recorder.requests.length} request(s) checked\n`);
  });

  if (runtime.node === 24 || runtime.ric === 'v3') {
    it('sends none of the issue\'s malformed headers, the others as their UTF-8 bytes, and says so once each without a value', async () => {
      // Prepare: the entries the issue lists, with a credential beside them.
      recorder.answerWith(200);
      const sentBefore = recorder.requests.length;
      const headers = ['x-tenant=a%0D%0AX-Injected: 1', 'bad name=v', 'novalue', '=nokey', 'x-key=v%ZZ', 'x-city=%C3%A9t%C3%A9', 'api-key=s3cr3tvalue42'].join(',');

      // Act
      const traced = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `wire-issue-${label}`,
        env: { OTEL_EXPORTER_OTLP_HEADERS: headers, ...endpoints(recorder, 'x') },
        invokes: [{ event: EVENT }],
      });

      // Assess
      expect(statusesOf(traced)).toEqual(['success']);
      const sent = recorder.requests.slice(sentBefore);
      expect(sent.length).toBeGreaterThan(0);
      for (const request of sent) {
        expect(request.problems).toEqual([]);
        const names = request.headers.map(([name]) => name.toLowerCase());
        expect(names).not.toContain('x-injected');
        expect(names.filter((name) => name === 'x-tenant' || name === 'bad name' || name === 'x-key')).toEqual([]);
        const value = (name: string): string | undefined => request.headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
        expect(Buffer.from(value('x-city') ?? '', 'latin1')).toEqual(Buffer.from('été', 'utf8'));
        expect(value('api-key')).toBe('s3cr3tvalue42');
        expect(value('user-agent')).toBe(`OTel-OTLP-Exporter-JavaScript-Lambda-Layer/${PACKAGE_VERSION}`);
        for (const span of decode(request).spans.filter((candidate) => candidate.scope.name === 'otel-lambda-layer')) expect(span.scope.version).toBe(PACKAGE_VERSION);
      }
      const warnings = warningsIn(traced.logs);
      expect(warnings.filter((warning) => warning.startsWith('OTEL_EXPORTER_OTLP_HEADERS: entry '))).toHaveLength(5);
      expect(warnings.join('\n')).not.toMatch(/s3cr3tvalue42|Injected|%ZZ/);
    });

    it('names the headers and credentials, once, when the endpoint answers 401', async () => {
      // Prepare
      recorder.answerWith(401);

      // Act
      const traced = await runWithLayer(runtime, {
        taskRoot: CJS_FIXTURE,
        functionName: `wire-401-${label}`,
        env: { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20expired', ...endpoints(recorder, 'x') },
        invokes: [{ event: EVENT }, { event: EVENT }, { event: EVENT }],
      });

      // Assess
      recorder.answerWith(200);
      expect(statusesOf(traced)).toEqual(['success', 'success', 'success']);
      const exportWarnings = warningsIn(traced.logs).filter((warning) => warning.startsWith('span export failed'));
      expect(exportWarnings).toHaveLength(1);
      expect(exportWarnings[0]).toContain('answered 401');
      expect(exportWarnings[0]).toContain('refused the credentials');
      expect(exportWarnings[0]).toContain('OTEL_EXPORTER_OTLP_HEADERS');
      expect(exportWarnings[0]).not.toContain('expired');
    });
  }
});

// The bad header entries the generated settings draw from are the issue's own.
test('the generated bad header entries include every case the issue names', () => {
  const samples = new Set(fc.sample(badHeaderEntry, 500));
  for (const entry of ['x-tenant=a%0D%0AX-Injected: 1', 'bad name=v', 'novalue', '=nokey', 'x-key=v%ZZ']) expect(samples).toContain(entry);
});
