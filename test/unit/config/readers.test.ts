import { quoted, readExporterList } from '../../../src/config/readers.ts';

const ALLOWED = ['otlp', 'console', 'otlp-stdout', 'none'] as const;

describe('readExporterList', () => {
  it.each([
    ['otlp,console', ['otlp', 'console']],
    [' Console , otlp ,', ['console', 'otlp']],
    ['otlp,otlp', ['otlp']],
    ['none', []],
    ['', ['otlp']],
  ])('reads %j as %j without a warning', (raw, expected) => {
    expect(readExporterList({ OTEL_TRACES_EXPORTER: raw }, 'OTEL_TRACES_EXPORTER', ALLOWED, ['otlp'])).toEqual({ value: expected });
  });

  it('skips unknown names with one warning', () => {
    const reading = readExporterList({ OTEL_TRACES_EXPORTER: 'otlp,zipkin,jaeger' }, 'OTEL_TRACES_EXPORTER', ALLOWED, ['otlp']);

    expect(reading.value).toEqual(['otlp']);
    expect(reading.warning).toMatch(/^OTEL_TRACES_EXPORTER="otlp,zipkin,jaeger": unknown "zipkin", "jaeger"/);
  });

  it('falls back to the default when no name is known, and ignores none beside other exporters', () => {
    expect(readExporterList({ E: 'zipkin' }, 'E', ALLOWED, ['otlp']).value).toEqual(['otlp']);
    const withNone = readExporterList({ E: 'none,console' }, 'E', ALLOWED, ['otlp']);
    expect(withNone.value).toEqual(['console']);
    expect(withNone.warning).toContain('"none" cannot be combined with other exporters');
  });
});

describe('quoted', () => {
  it('shows a value on one line, escaped, and cut short', () => {
    expect(quoted('a\r\nb"c')).toBe('"a\\r\\nb\\"c"');
    expect(quoted('x'.repeat(200))).toHaveLength(83);
    expect(quoted('\u2028')).toBe('"\\u2028"');
  });
});
