/**
 * Issue 11, part 1: a function that ships its own `@opentelemetry/api`, any 1.x, in node_modules
 * or bundled by esbuild (CommonJS or ES module output, minified or not), loaded by a CommonJS
 * or an ES module handler, is served the layer's globals: its spans are the invocation's
 * children and each other's across awaits, it sees the invocation span as active, injects the
 * invocation's context, and its spans are exported before the response (sync flush). A copy of
 * an unserved major (2.x) gets one warning and runs as without the layer.
 *
 * Every version meets every loading style once, and each pair runs on one runtime so that each
 * version and each style run on all three (a Latin square): 36 function starts instead of 108.
 */
import { LAYER_API_VERSION } from '../../src/api-bridge/layer-api-version.generated.ts';
import { startOtlpReceiver, type DecodedSpan, type OtlpReceiver } from '../sandbox/index.ts';
import { bodyJson, invocationSpansOf, layerLines, runWithLayer, runWithoutLayer, statusesOf, traceOf } from '../support/config-harness.ts';
import { expectSameRuntimeResults, exportOf } from '../support/differential.ts';
import { withoutInitSpans } from '../support/init-span.ts';
import { RUNTIME_COMBINATIONS } from '../support/layer-function.ts';
import {
  expectUserTracingServed,
  HANDLER_VARIANTS,
  NEXT_MAJOR_API,
  SERVED_API_COPIES,
  useApiTaskRoots,
  type UserTracingReport,
} from '../support/user-api-copies.ts';

jest.setTimeout(90_000);

const EVENTS = [{ n: 1 }, { n: 2 }];

const taskRoots = useApiTaskRoots([...SERVED_API_COPIES, NEXT_MAJOR_API]);

const CASES = SERVED_API_COPIES.flatMap((copy, versionIndex) =>
  HANDLER_VARIANTS.map((variant, variantIndex) => ({ version: copy.version, variant, runtimeIndex: (versionIndex + variantIndex) % RUNTIME_COMBINATIONS.length })),
);

function functionNameOf(...parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9-]+/g, '-');
}

describe.each(RUNTIME_COMBINATIONS.map((runtime, index) => ({ ...runtime, index })))('on Node $node with aws-lambda-ric $ric', (runtime) => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  const cases = CASES.filter((entry) => entry.runtimeIndex === runtime.index).map(({ version, variant }) => ({ version, style: variant.style, handler: variant.handler, bundled: variant.bundle !== undefined }));

  it.each(cases)('serves @opentelemetry/api $version $style', async ({ version, handler, bundled }) => {
    // Prepare
    const functionName = functionNameOf('user-api', version, handler, `node${runtime.node}`, runtime.ric);

    // Act
    const run = await runWithLayer(runtime, {
      taskRoot: taskRoots.of(version),
      handler,
      functionName,
      // Bundles come with source maps, used as their authors would: stack traces are mapped,
      // while the layer reads the bundle's own positions.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...(bundled ? { NODE_OPTIONS: '--enable-source-maps' } : {}) },
      invokes: EVENTS.map((event) => ({ event })),
    });

    // Assess
    expect(statusesOf(run)).toEqual(['success', 'success']);
    run.results.forEach((result, index) => {
      const invocations = invocationSpansOf(receiver.spans(), result.requestId);
      expect(invocations).toHaveLength(1);
      const invocation = invocations[0]!;
      const trace = traceOf(receiver.spans(), invocation);
      expectUserTracingServed(bodyJson(result) as UserTracingReport, invocation, trace, EVENTS[index]!.n);
      // Sync flush: every span of the invocation reached the collector before the response.
      const exportedAt = trace.map((span: DecodedSpan) => exportOf(receiver, span)?.receivedAt ?? Number.POSITIVE_INFINITY);
      expect(Math.max(...exportedAt)).toBeLessThan(result.timings.responseAt!);
    });
    expect(layerLines(run.logs)).toEqual([]);
  });
});

describe('an @opentelemetry/api major the layer cannot serve', () => {
  const MAJOR_CASES = RUNTIME_COMBINATIONS.map((runtime, index) => ({ ...runtime, variant: HANDLER_VARIANTS[[0, 5, 3][index]!]! }));

  it.each(MAJOR_CASES.map(({ node, ric, variant }) => ({ node, ric, style: variant.style, handler: variant.handler })))(
    'gets one warning naming both versions on Node $node with aws-lambda-ric $ric ($style), and runs as without the layer',
    async ({ node, ric, handler }) => {
      // Prepare
      const receiver = await startOtlpReceiver();
      const spec = {
        taskRoot: taskRoots.of(NEXT_MAJOR_API.version),
        handler,
        functionName: functionNameOf('user-api-2', handler, `node${node}`, ric),
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
        invokes: EVENTS.map((event) => ({ event })),
      };

      try {
        // Act
        const [bare, traced] = await Promise.all([runWithoutLayer({ node, ric }, spec), runWithLayer({ node, ric }, spec)]);

        // Assess
        expect(statusesOf(bare)).toEqual(['success', 'success']);
        expectSameRuntimeResults({ bare: bare.results, traced: traced.results });
        const lines = layerLines(traced.logs);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/\[otel-lambda\] WARN .*@opentelemetry\/api 2\.0\.0 .*cannot serve/);
        expect(lines[0]).toContain(`its own is ${LAYER_API_VERSION}`);
        for (const result of traced.results) {
          const invocations = invocationSpansOf(receiver.spans(), result.requestId);
          expect(invocations).toHaveLength(1);
          // The cold start's init span aside, the invocation span is alone in its trace.
          expect(traceOf(withoutInitSpans(receiver.spans()), invocations[0]!).map((span) => span.name)).toEqual([invocations[0]!.name]);
        }
      } finally {
        await receiver.close();
      }
    },
  );
});
