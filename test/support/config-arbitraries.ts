/**
 * Values for every variable the layer reads (src/config/): for each, values that must give no
 * warning and values that must give exactly one. Shared by the configuration property tests
 * (unit: loadConfig; end to end: the built layer in the local Lambda).
 */
import fc from 'fast-check';
import { isFieldValue, wireFieldValue } from '../../src/http/field-syntax.ts';

export type Values = fc.Arbitrary<string>;

export interface VariableCase {
  /** Values that must give no warning. */
  readonly good: Values;
  /** Values that must give exactly one warning (undefined: config accepts any text). */
  readonly bad?: Values;
  /** Variables whose every bad entry gets its own warning. */
  readonly perEntry?: true;
}

const blank = fc.constantFrom('', ' ', '\t');
const oneOfCase = (values: readonly string[]): Values =>
  fc.tuple(fc.constantFrom(...values), fc.constantFrom('lower', 'upper', 'padded')).map(([value, style]) =>
    style === 'upper' ? value.toUpperCase() : style === 'padded' ? ` ${value} ` : value,
  );
const notIn = (values: readonly string[]): Values =>
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((raw) => raw.trim() !== '' && !values.includes(raw.trim().toLowerCase()));
export const anyText: Values = fc.string({ unit: 'binary', maxLength: 40 });

function enumCase(values: readonly string[]): VariableCase {
  return { good: fc.oneof(oneOfCase(values), blank), bad: notIn(values) };
}

function intCase(min: number, max: number): VariableCase {
  const outside = fc.oneof(fc.integer({ max: min - 1 }), fc.integer({ min: max + 1 })).map(String);
  const notInteger = fc.oneof(notIn([]).filter((raw) => !Number.isInteger(Number(raw.trim()))), fc.double({ min, max, noInteger: true }).map(String));
  return { good: fc.oneof(fc.integer({ min, max }).map(String), blank), bad: fc.oneof(outside, notInteger) };
}

const boolCase: VariableCase = { good: fc.oneof(oneOfCase(['true', 'false', '1', '0']), blank), bad: notIn(['true', 'false', '1', '0']) };
const textCase: VariableCase = { good: anyText };

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/).filter((name) => !/^(host|te|trailer|upgrade|expect|connection|keep-alive|content-(length|type|encoding)|transfer-encoding|proxy-connection)$/i.test(name));
const headerValue = fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => value.trim()).filter((value) => isFieldValue(wireFieldValue(value)));
const goodHeaders = fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 4, selector: ([name]) => name.toLowerCase() }).map((pairs) =>
  pairs.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join(','),
);
export const badHeaderEntry = fc.constantFrom('x-tenant=a%0D%0AX-Injected: 1', 'bad name=v', 'novalue', '=nokey', 'x-key=v%ZZ', 'x-nul=a%00', 'Host=evil', 'x-utf=%C3%28');
const headersCase: VariableCase = {
  good: fc.oneof(goodHeaders, blank),
  bad: fc.tuple(goodHeaders, badHeaderEntry).map(([good, bad]) => (good === '' ? bad : `${good},${bad}`)),
  perEntry: true,
};

const goodUrl = fc.tuple(fc.constantFrom('http', 'https', 'HTTP'), fc.constantFrom('localhost', '127.0.0.1', 'collector.example', '[::1]'), fc.integer({ min: 1, max: 65535 }), fc.webPath()).map(
  ([scheme, host, port, path]) => `${scheme}://${host}:${port}${path}`,
);
const endpointCase: VariableCase = {
  good: fc.oneof(goodUrl, blank),
  bad: fc.oneof(fc.constantFrom('localhost:4318', 'not a url', 'ftp://collector:21', 'http://user:pass@collector:4318', 'file:///etc/passwd', '://'), fc.string({ maxLength: 10 }).filter((raw) => raw.trim() !== '' && !URL.canParse(raw.trim()))),
};

const resourceKey = fc.stringMatching(/^[a-z][a-z0-9_.]{0,15}$/);
const goodResource = fc.dictionary(resourceKey, fc.string({ unit: 'grapheme', maxLength: 15 }), { maxKeys: 4 }).map((attributes) =>
  Object.entries(attributes).map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join(','),
);

const listOf = (values: readonly string[]): Values => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length }).map((items) => items.join(','));
const withUnknown = (values: readonly string[]): Values => fc.tuple(listOf(values), fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/).filter((name) => !values.includes(name))).map(([list, unknown]) => `${list},${unknown}`);

export const VARIABLES: Readonly<Record<string, VariableCase>> = {
  OTEL_SDK_DISABLED: boolCase,
  OTEL_LOG_LEVEL: enumCase(['none', 'error', 'warn', 'info', 'debug']),
  OTEL_SERVICE_NAME: textCase,
  OTEL_RESOURCE_ATTRIBUTES: { good: fc.oneof(goodResource, blank), bad: fc.tuple(goodResource, fc.constantFrom('novalue', '=x', 'k=v%ZZ', 'k=%FF')).map(([good, bad]) => (good === '' ? bad : `${good},${bad}`)) },
  OTEL_TRACES_EXPORTER: { good: fc.oneof(listOf(['otlp', 'console', 'otlp-stdout']), fc.constant('none'), blank), bad: fc.oneof(withUnknown(['otlp', 'console', 'otlp-stdout']), fc.constant('none,otlp')) },
  OTEL_METRICS_EXPORTER: enumCase(['otlp', 'console', 'none']),
  OTEL_LOGS_EXPORTER: enumCase(['otlp', 'console', 'none']),
  OTEL_EXPORTER_OTLP_PROTOCOL: enumCase(['http/protobuf', 'http/json']),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpointCase,
  OTEL_EXPORTER_OTLP_HEADERS: headersCase,
  OTEL_EXPORTER_OTLP_TIMEOUT: intCase(1, 900_000),
  OTEL_EXPORTER_OTLP_COMPRESSION: enumCase(['gzip', 'none']),
  ...Object.fromEntries(
    ['TRACES', 'METRICS', 'LOGS'].flatMap((signal) => [
      [`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`, enumCase(['http/protobuf', 'http/json'])],
      [`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, endpointCase],
      [`OTEL_EXPORTER_OTLP_${signal}_HEADERS`, headersCase],
      [`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, intCase(1, 900_000)],
      [`OTEL_EXPORTER_OTLP_${signal}_COMPRESSION`, enumCase(['gzip', 'none'])],
    ]),
  ),
  OTEL_LAMBDA_OTLP_STDOUT_COMPRESSION: enumCase(['gzip', 'none']),
  OTEL_PROPAGATORS: { good: fc.oneof(listOf(['tracecontext', 'baggage', 'xray', 'xray-lambda', 'none']), blank), bad: withUnknown(['tracecontext', 'baggage', 'xray', 'xray-lambda', 'none']) },
  OTEL_LAMBDA_PARENT_SOURCES: { good: fc.oneof(listOf(['event', 'xray']), blank), bad: withUnknown(['event', 'xray']) },
  OTEL_TRACES_SAMPLER: enumCase(['parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio', 'always_on', 'always_off', 'traceidratio']),
  OTEL_TRACES_SAMPLER_ARG: { good: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }).map(String), blank), bad: fc.oneof(fc.double({ min: 1.0001, noNaN: true }).map(String), fc.constantFrom('-0.5', 'half', 'NaN')) },
  OTEL_LAMBDA_FLUSH_MODE: enumCase(['sync', 'deferred', 'background']),
  OTEL_BSP_MAX_QUEUE_SIZE: intCase(1, 1_000_000),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: intCase(1, 1_000_000),
  OTEL_BSP_SCHEDULE_DELAY: intCase(0, 3_600_000),
  OTEL_BSP_EXPORT_TIMEOUT: intCase(1, 3_600_000),
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: intCase(0, 1_000_000_000),
  OTEL_ATTRIBUTE_COUNT_LIMIT: intCase(0, 1_000_000_000),
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: intCase(1, 1_000_000_000),
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: intCase(1, 1_000_000_000),
  OTEL_SPAN_EVENT_COUNT_LIMIT: intCase(0, 1_000_000_000),
  OTEL_SPAN_LINK_COUNT_LIMIT: intCase(0, 1_000_000_000),
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: intCase(0, 1_000_000_000),
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: intCase(0, 1_000_000_000),
  OTEL_LAMBDA_FLUSH_TIMEOUT_MS: intCase(1, 900_000),
  OTEL_LAMBDA_DEADLINE_MARGIN_MS: intCase(0, 60_000),
  OTEL_LAMBDA_TIMEOUT_MARGIN_MS: intCase(0, 60_000),
  // Names are checked against the instrumentation catalogue (instrumentation-settings.test.ts).
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: textCase,
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: textCase,
  OTEL_LAMBDA_SEMCONV_COMPAT: enumCase(['none', 'faas/dup', 'faas/old']),
  OTEL_LAMBDA_HOOKS_MODULE: textCase,
  OTEL_LAMBDA_INIT_SPAN: boolCase,
  OTEL_LAMBDA_INIT_SPAN_MODULE_LOAD_MS: intCase(0, 900_000),
  OTEL_LAMBDA_BATCH_ITEM_FAILURES_MAX_IDS: intCase(0, 10_000),
  OTEL_LAMBDA_CAPTURE_PAYLOAD: boolCase,
  OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_DEPTH: intCase(1, 64),
  OTEL_LAMBDA_CAPTURE_PAYLOAD_MAX_LENGTH: intCase(64, 1_000_000),
  // Extra key names to redact: any text is a list of names.
  OTEL_LAMBDA_CAPTURE_PAYLOAD_REDACT_KEYS: textCase,
  OTEL_LAMBDA_LOG_CORRELATION: boolCase,
  // Lambda's own variables: whatever Lambda sets is taken as it is.
  // Lambda sets JSON or Text; anything but JSON is read as text, as the runtime client does.
  AWS_LAMBDA_LOG_FORMAT: { good: fc.constantFrom('JSON', 'Text', 'json', 'TEXT') },
  AWS_LAMBDA_INITIALIZATION_TYPE: { good: fc.constantFrom('on-demand', 'provisioned-concurrency', 'snap-start') },
  // The runtime client's switch to asking for events over node:http; only 'true' turns it on.
  AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1: { good: fc.constantFrom('true', 'false', '') },
  LAMBDA_TASK_ROOT: textCase,
  _HANDLER: textCase,
  AWS_LAMBDA_FUNCTION_NAME: textCase,
  AWS_REGION: textCase,
  AWS_EXECUTION_ENV: textCase,
  AWS_LAMBDA_RUNTIME_API: textCase,
  LAMBDA_RUNTIME_DIR: textCase,
};
export const HEADER_VARIABLES = Object.keys(VARIABLES).filter((name) => VARIABLES[name]!.perEntry === true);

/** Which variable a warning is about: the name it starts with. */
export function subjectOf(warning: string): string | undefined {
  return /^[A-Z_][A-Z0-9_]*/.exec(warning)?.[0];
}

export function warningsBySubject(warnings: readonly string[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const warning of warnings) counts.set(subjectOf(warning), (counts.get(subjectOf(warning)) ?? 0) + 1);
  return counts;
}

/** Each variable of `table` set to a good value, a bad one, or left unset; `bad` names the bad ones. */
export function environmentsOf(table: Readonly<Record<string, VariableCase>>): fc.Arbitrary<{ env: Record<string, string>; bad: string[] }> {
  const names = Object.keys(table);
  const settings = names.map((name) => {
    const variable = table[name]!;
    const choices: fc.Arbitrary<{ value: string | undefined; bad: boolean }>[] = [fc.constant({ value: undefined, bad: false }), variable.good.map((value) => ({ value, bad: false }))];
    if (variable.bad !== undefined) choices.push(variable.bad.map((value) => ({ value, bad: true })));
    return fc.oneof(...choices);
  });
  return fc.tuple(...settings).map((chosen) => {
    const env: Record<string, string> = {};
    const bad: string[] = [];
    chosen.forEach((setting, index) => {
      const name = names[index]!;
      if (setting.value !== undefined) env[name] = setting.value;
      if (setting.bad) bad.push(name);
    });
    return { env, bad };
  });
}
