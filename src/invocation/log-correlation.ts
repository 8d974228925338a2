import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import type { LayerConfig } from '../config/index.ts';
import { log } from '../log.ts';
import { nodeRequire } from '../node-require.ts';

/** The console methods the runtime client replaces with its own (LogPatch in aws-lambda-ric v3 and v4). */
const CONSOLE_METHODS = ['trace', 'debug', 'info', 'log', 'warn', 'error', 'fatal'] as const;
/** Every JSON record the runtime clients write starts so (`formatJsonMessage`). */
const RECORD_START = '{"timestamp":"';
const RECORD_START_BYTES = Buffer.from(RECORD_START);
/** Telemetry log frame: 4-byte type (0xa55a0002 | level mask for JSON), 4-byte length, 8-byte timestamp. */
const FRAME_HEADER_BYTES = 16;
const FRAME_MAGIC = 0xa55a0000;
const FRAME_FORMAT_JSON = 2;
const CLOSING_BRACE = 0x7d;

type Write = (...args: unknown[]) => unknown;

/** Where the runtime client writes its records; the real ones unless a test gives stand-ins. */
export interface LogSinks {
  readonly console: Record<string, unknown>;
  /** process.stdout: where the records go without a telemetry fd. */
  readonly stdout: { write: Write };
  /** node:fs: the telemetry fd (frames) and, on Managed Instances, the log socket's fd. */
  readonly fs: { writeSync: Write };
}

/**
 * The trace context of the active span as the fields OpenTelemetry names for non-OTLP JSON logs
 * (https://opentelemetry.io/docs/specs/otel/compatibility/logging_trace_context/): lower-case hex
 * `trace_id`, `span_id`, `trace_flags`.
 */
export function traceFields(spanContext: SpanContext): string {
  return `,"trace_id":"${spanContext.traceId}","span_id":"${spanContext.spanId}","trace_flags":"${spanContext.traceFlags.toString(16).padStart(2, '0')}"`;
}

/**
 * Log correlation in Lambda's JSON log format (OTEL_LAMBDA_LOG_CORRELATION=true with
 * AWS_LAMBDA_LOG_FORMAT=JSON): each record the runtime client writes for a console call made
 * while a span is active gets that span's trace and span ids as top-level fields.
 *
 * The runtime client builds each record itself and writes it at once: to the telemetry log fd as
 * one frame (`fs.writeSync` of a header, then of the record), to stdout without one, or as a line
 * to the log socket on Managed Instances. So the console methods are wrapped to note the active
 * span for the length of the call, and those writes, during such a call only, get the fields
 * inserted before the record's closing brace (and a frame's length fixed). Everything else, and
 * every write outside a console call, passes untouched. Off (the default), nothing is wrapped and
 * the output is the runtime's, byte for byte.
 *
 * Returns what to call once the runtime client has replaced the console methods (the handler
 * has loaded by then); calling it again does nothing.
 */
export function startLogCorrelation(config: LayerConfig, sinks?: LogSinks): () => void {
  if (!config.logCorrelation) return () => undefined;
  if (config.lambda.logFormat !== 'JSON') {
    log.warn('OTEL_LAMBDA_LOG_CORRELATION=true needs the JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON, set by a JSON logging config); log lines are left unchanged.');
    return () => undefined;
  }
  let installed = false;
  return () => {
    // The handler-loaded hook can run twice (a CommonJS handler imported by ric v4 passes both interceptions).
    if (installed) return;
    installed = true;
    correlateLogs(sinks ?? defaultSinks());
  };
}

function defaultSinks(): LogSinks {
  return { console: console as unknown as Record<string, unknown>, stdout: process.stdout as unknown as { write: Write }, fs: nodeRequire('node:fs') as { writeSync: Write } };
}

/** Wraps the console methods and the runtime client's log writes; exported for its unit test. */
export function correlateLogs(sinks: LogSinks): void {
  // The fields of the console call under way; set only while it runs (it is synchronous).
  let fields: string | undefined;
  // A frame header the runtime client wrote, held until its record comes.
  let held: { fd: unknown; header: Buffer } | undefined;
  const { fs, stdout } = sinks;
  const writeSync = fs.writeSync;
  const write = stdout.write;

  const releaseHeld = (): void => {
    if (held === undefined) return;
    const { fd, header } = held;
    held = undefined;
    writeSync.call(fs, fd, header);
  };

  fs.writeSync = function correlatedWriteSync(this: unknown, fd: unknown, data: unknown, ...rest: unknown[]): unknown {
    if (fields === undefined) return writeSync.call(this, fd, data, ...rest);
    if (held === undefined && rest.length === 0 && isJsonFrameHeader(data)) {
      held = { fd, header: Buffer.from(data) };
      return data.length;
    }
    if (held !== undefined && held.fd === fd && rest.length === 0 && data instanceof Uint8Array) {
      const header = held.header;
      held = undefined;
      const record = withFieldsInBytes(data, fields);
      header.writeInt32BE(record.length, 4);
      writeSync.call(this, fd, header);
      return writeSync.call(this, fd, record);
    }
    releaseHeld();
    return writeSync.call(this, fd, typeof data === 'string' ? withFieldsInLine(data, fields) : data, ...rest);
  };
  stdout.write = function correlatedWrite(this: unknown, chunk: unknown, ...rest: unknown[]): unknown {
    if (fields === undefined || typeof chunk !== 'string') return write.call(this, chunk, ...rest);
    return write.call(this, withFieldsInLine(chunk, fields), ...rest);
  };

  for (const name of CONSOLE_METHODS) {
    const original = sinks.console[name];
    if (typeof original !== 'function') continue;
    sinks.console[name] = function correlatedConsoleMethod(this: unknown, ...args: unknown[]): unknown {
      const spanContext = trace.getSpanContext(context.active());
      if (spanContext === undefined || !isSpanContextValid(spanContext) || fields !== undefined) return (original as Write).apply(this, args);
      fields = traceFields(spanContext);
      try {
        return (original as Write).apply(this, args);
      } finally {
        fields = undefined;
        // A header whose record never came goes out as it was.
        releaseHeld();
      }
    };
  }
}

function isJsonFrameHeader(data: unknown): data is Uint8Array {
  if (!(data instanceof Uint8Array) || data.length !== FRAME_HEADER_BYTES) return false;
  const type = Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32BE(0);
  return (type & 0xffff0000) >>> 0 === FRAME_MAGIC && (type & 0x3) === FRAME_FORMAT_JSON;
}

/** A record followed by nothing or a newline gets the fields before its closing brace. */
export function withFieldsInLine(line: string, fields: string): string {
  if (!line.startsWith(RECORD_START)) return line;
  const end = line.endsWith('}\n') ? line.length - 2 : line.endsWith('}') ? line.length - 1 : -1;
  return end < 0 ? line : `${line.slice(0, end)}${fields}${line.slice(end)}`;
}

function withFieldsInBytes(record: Uint8Array, fields: string): Uint8Array {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (bytes.length < RECORD_START_BYTES.length + 1 || bytes[bytes.length - 1] !== CLOSING_BRACE) return record;
  if (!bytes.subarray(0, RECORD_START_BYTES.length).equals(RECORD_START_BYTES)) return record;
  return Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from(`${fields}}`)]);
}
