import { ROOT_CONTEXT, context, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { loadConfig } from '../../../src/config/index.ts';
import { correlateLogs, startLogCorrelation, withFieldsInLine, type LogSinks } from '../../../src/invocation/log-correlation.ts';

const SPAN: SpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
const FIELDS = ',"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","trace_flags":"01"';
const TELEMETRY_FD = 3;

interface Written {
  fd: unknown;
  data: Buffer | string;
}

/**
 * Stand-ins for what aws-lambda-ric's loggers do with a console call: build the JSON record and
 * write it as a telemetry frame (header, then record), as a stdout line, or as a socket line.
 */
function fakeRuntime(sink: 'frame' | 'stdout' | 'socket'): { sinks: LogSinks; written: Written[] } {
  const written: Written[] = [];
  const fs = { writeSync: (fd: unknown, data: unknown): number => (written.push({ fd, data: Buffer.isBuffer(data) ? Buffer.from(data) : String(data) }), 0) };
  const stdout = { write: (chunk: unknown): boolean => (written.push({ fd: 'stdout', data: String(chunk) }), true) };
  const header = Buffer.alloc(16);
  const record = (message: unknown): string => JSON.stringify({ timestamp: '2026-11-28T10:00:00.000Z', level: 'INFO', requestId: 'req-1', message });
  const log = (message: unknown): void => {
    const line = record(message);
    if (sink === 'frame') {
      const bytes = Buffer.from(line, 'utf8');
      header.writeUInt32BE((0xa55a0002 | 12) >>> 0, 0);
      header.writeInt32BE(bytes.length, 4);
      header.writeBigInt64BE(1_700_000_000_000_000n, 8);
      fs.writeSync(TELEMETRY_FD, header);
      fs.writeSync(TELEMETRY_FD, bytes);
    } else if (sink === 'stdout') {
      stdout.write(`${line.replace(/\n/g, '\r')}\n`);
    } else {
      fs.writeSync(1, `${line}\n`);
    }
  };
  return { sinks: { console: { log, info: log }, stdout, fs }, written };
}

/** The records of frames written to the telemetry fd, after checking each header's length. */
function framedRecords(written: readonly Written[]): string[] {
  const records: string[] = [];
  for (let index = 0; index < written.length; index += 2) {
    const header = written[index]!.data as Buffer;
    const record = written[index + 1]!.data as Buffer;
    expect(header.readInt32BE(4)).toBe(record.length);
    records.push(record.toString('utf8'));
  }
  return records;
}

describe('log correlation', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    context.disable();
    manager.disable();
  });
  const inSpan = (call: () => void): void => context.with(trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(SPAN)), call);

  it('adds the active span’s ids to a record written as a telemetry frame, fixing the frame’s length, and leaves records outside a span alone', () => {
    // Prepare
    const { sinks, written } = fakeRuntime('frame');
    correlateLogs(sinks);

    // Act
    inSpan(() => (sinks.console['log'] as (message: unknown) => void)('héllo\nworld'));
    (sinks.console['info'] as (message: unknown) => void)('at init');

    // Assess
    expect(framedRecords(written).map((record) => JSON.parse(record) as unknown)).toEqual([
      { timestamp: '2026-11-28T10:00:00.000Z', level: 'INFO', requestId: 'req-1', message: 'héllo\nworld', trace_id: SPAN.traceId, span_id: SPAN.spanId, trace_flags: '01' },
      { timestamp: '2026-11-28T10:00:00.000Z', level: 'INFO', requestId: 'req-1', message: 'at init' },
    ]);
  });

  it.each(['stdout', 'socket'] as const)('adds them before the closing brace of a record written as a %s line', (sink) => {
    // Prepare
    const { sinks, written } = fakeRuntime(sink);
    correlateLogs(sinks);

    // Act
    inSpan(() => (sinks.console['log'] as (message: unknown) => void)({ order: 42 }));

    // Assess
    expect(written.map((entry) => entry.data)).toEqual([`{"timestamp":"2026-11-28T10:00:00.000Z","level":"INFO","requestId":"req-1","message":{"order":42}${FIELDS}}\n`]);
  });

  it('changes no write outside a console call, nor one that is not a runtime record', () => {
    // Prepare
    const { sinks, written } = fakeRuntime('stdout');
    correlateLogs(sinks);

    // Act
    inSpan(() => {
      sinks.stdout.write('{"timestamp":"own line"}\n');
      sinks.fs.writeSync(TELEMETRY_FD, Buffer.alloc(16));
    });

    // Assess
    expect(written.map((entry) => entry.data)).toEqual(['{"timestamp":"own line"}\n', Buffer.alloc(16)]);
  });

  it('wraps once however often the installer is called (the handler-loaded hook can run twice)', () => {
    // Prepare
    const { sinks, written } = fakeRuntime('stdout');
    const install = startLogCorrelation(loadConfig({ OTEL_LAMBDA_LOG_CORRELATION: 'true', AWS_LAMBDA_LOG_FORMAT: 'json' }).config, sinks);

    // Act
    install();
    install();
    inSpan(() => (sinks.console['log'] as (message: unknown) => void)('once'));

    // Assess
    expect(written.map((entry) => entry.data)).toEqual([`{"timestamp":"2026-11-28T10:00:00.000Z","level":"INFO","requestId":"req-1","message":"once"${FIELDS}}\n`]);
  });

  it('inserts only into a JSON record', () => {
    expect(withFieldsInLine('2026-11-28T10:00:00.000Z\treq-1\tINFO\thello\n', FIELDS)).toBe('2026-11-28T10:00:00.000Z\treq-1\tINFO\thello\n');
    expect(withFieldsInLine('{"timestamp":"t","message":"cut', FIELDS)).toBe('{"timestamp":"t","message":"cut');
    expect(withFieldsInLine('{"timestamp":"t"}', FIELDS)).toBe(`{"timestamp":"t"${FIELDS}}`);
  });

  it('wraps nothing when off, or when the log format is text (with one warning saying why)', () => {
    // Prepare
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const off = fakeRuntime('stdout');
    const text = fakeRuntime('stdout');
    const before = [off.sinks.console['log'], text.sinks.console['log']];

    // Act
    startLogCorrelation(loadConfig({ AWS_LAMBDA_LOG_FORMAT: 'JSON' }).config, off.sinks)();
    startLogCorrelation(loadConfig({ OTEL_LAMBDA_LOG_CORRELATION: 'true' }).config, text.sinks)();
    const warnings = stderr.mock.calls.map(([line]) => String(line));
    stderr.mockRestore();

    // Assess
    expect([off.sinks.console['log'], text.sinks.console['log']]).toEqual(before);
    expect(warnings).toEqual([expect.stringContaining('OTEL_LAMBDA_LOG_CORRELATION=true needs the JSON log format')]);
  });
});
