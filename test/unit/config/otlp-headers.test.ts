import fc from 'fast-check';
import { mergeHeaders, parseOtlpHeaders } from '../../../src/config/otlp-headers.ts';
import { isFieldValue, isToken, wireFieldValue } from '../../../src/http/field-syntax.ts';

const VARIABLE = 'OTEL_EXPORTER_OTLP_HEADERS';

function parse(raw: string): { headers: Record<string, string>; warnings: readonly string[] } {
  const reading = parseOtlpHeaders(VARIABLE, raw);
  return { headers: mergeHeaders(new Map(), reading.headers), warnings: reading.warnings };
}

describe('parseOtlpHeaders', () => {
  it('reads key=value entries, trims them and percent-decodes values as UTF-8', () => {
    expect(parse(' api-key = abc123 , x-tenant=eu%20west,x-city=M%C3%BCnchen,x-token=a=b=')).toEqual({
      headers: { 'api-key': 'abc123', 'x-tenant': 'eu west', 'x-city': 'München', 'x-token': 'a=b=' },
      warnings: [],
    });
  });

  it('never lets a percent-encoded line break through: the entry is left out with one warning', () => {
    // Prepare: the request-header injection of the issue.
    const raw = 'x-tenant=a%0D%0AX-Injected: 1,api-key=kept';

    // Act
    const { headers, warnings } = parse(raw);

    // Assess
    expect(headers).toEqual({ 'api-key': 'kept' });
    expect(warnings).toEqual([expect.stringContaining(`${VARIABLE}: entry 1 ("x-tenant") has a value with a line break`)]);
  });

  it.each([
    ['a name with a space', 'x tenant=s3cret-1', 'has a name that is not an HTTP header name'],
    ['no value', 'novalue', 'has no value'],
    ['no name', '=nokey', 'has no name'],
    ['a malformed percent-escape', 'x-key=s3cret%ZZ', 'malformed percent-escape'],
    ['bytes that are not UTF-8', 'x-key=s3cret%C3%28', 'malformed percent-escape'],
    ['a NUL', 'x-key=s3cret%00b', 'line break or another control character'],
    ['a header the exporter writes itself', 'Content-Length=54321', 'names a header the exporter sets itself'],
  ])('leaves out an entry with %s, with one warning naming the variable and never the value', (_label, entry, reason) => {
    const { headers, warnings } = parse(`${entry},ok=1`);

    expect(headers).toEqual({ ok: '1' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(VARIABLE);
    expect(warnings[0]).toContain(reason);
    const value = entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : '';
    if (value.length >= 5) expect(warnings[0]).not.toContain(value.slice(0, 5));
  });

  it('does not print a name that is not a token: it may be a credential typed without its key', () => {
    const { warnings } = parse('Authorization Bearer s3cr3t=x');

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('s3cr3t');
  });

  it('lets the signal variable win over the generic one, names compared case-insensitively', () => {
    const generic = parseOtlpHeaders('OTEL_EXPORTER_OTLP_HEADERS', 'Authorization=generic,x-a=1').headers;
    const signal = parseOtlpHeaders('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'authorization=specific').headers;

    expect(mergeHeaders(generic, signal)).toEqual({ authorization: 'specific', 'x-a': '1' });
  });

  it('for any text: never throws, one warning per left-out entry at most, and every header is sendable', () => {
    const entry = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.tuple(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 20 })).map(([k, v]) => `${k}=${v}`),
      fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/), fc.string({ unit: 'binary', maxLength: 20 })).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
        const raw = entries.join(',');
        const { headers, warnings } = parse(raw);
        const nonEmptyEntries = raw.split(',').filter((part) => part.trim() !== '').length;
        expect(Object.keys(headers).length + warnings.length).toBeLessThanOrEqual(nonEmptyEntries);
        for (const [name, value] of Object.entries(headers)) {
          expect(isToken(name)).toBe(true);
          expect(isFieldValue(wireFieldValue(value))).toBe(true);
          expect(wireFieldValue(value)).not.toMatch(/[\r\n\0]/);
        }
        for (const warning of warnings) expect(warning).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives back any value it was given percent-encoded, whatever its characters', () => {
    const printable = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((value) => isFieldValue(wireFieldValue(value.trim())) && value === value.trim());
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/), printable, (name, value) => {
        fc.pre(!['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'expect', 'content-type', 'content-encoding', 'proxy-connection'].includes(name.toLowerCase()));
        expect(parse(`${name}=${encodeURIComponent(value)}`)).toEqual({ headers: { [name]: value }, warnings: [] });
      }),
      { numRuns: 500 },
    );
  });
});

describe('wireFieldValue', () => {
  it('sends text as its UTF-8 bytes, one char per byte', () => {
    expect(Buffer.from(wireFieldValue('é'), 'latin1')).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(wireFieldValue('plain ascii')).toBe('plain ascii');
  });
});
