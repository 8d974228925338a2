import fc from 'fast-check';
import { isWellFormedText } from '../../../src/config/percent-decode.ts';
import { parseResourceAttributes } from '../../../src/config/resource-attributes.ts';

describe('parseResourceAttributes', () => {
  it('reads key=value pairs and percent-decodes values', () => {
    expect(parseResourceAttributes('team=orders,region.label=eu%20west,city=M%C3%BCnchen')).toEqual({
      attributes: { team: 'orders', 'region.label': 'eu west', city: 'München' },
      warnings: [],
    });
  });

  it('keeps the good entries and names the malformed ones in one warning', () => {
    const { attributes, warnings } = parseResourceAttributes('novalue,=x,ok=1');

    expect(attributes).toEqual({ ok: '1' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^OTEL_RESOURCE_ATTRIBUTES has entries that are not key=value \("novalue", "=x"\)/);
  });

  it('leaves out a value with a malformed percent-escape and says so once, naming its key', () => {
    // Prepare: a truncated escape, a non-hex escape, and bytes that are not UTF-8.
    const raw = 'a=%E0%A4%A,b=v%ZZ,c=%FF,d=fine';

    // Act
    const { attributes, warnings } = parseResourceAttributes(raw);

    // Assess
    expect(attributes).toEqual({ d: 'fine' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/malformed percent-escape \(keys "a", "b", "c"/);
    expect(warnings[0]).not.toContain('%ZZ');
  });

  it('never throws on any text, warns at most once, and keeps only well-formed values', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (raw) => {
        const { attributes, warnings } = parseResourceAttributes(raw);
        expect(warnings.length).toBeLessThanOrEqual(1);
        for (const value of Object.values(attributes)) expect(isWellFormedText(value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives back every percent-encoded value exactly, without a warning', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/);
    const value = fc.string({ unit: 'grapheme', maxLength: 30 });
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (expected) => {
        const raw = Object.entries(expected).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
        expect(parseResourceAttributes(raw)).toEqual({ attributes: expected, warnings: [] });
      }),
      { numRuns: 300 },
    );
  });
});
