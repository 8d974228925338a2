import { parseResourceAttributes } from '../../../src/config/resource-attributes.ts';

describe('parseResourceAttributes', () => {
  it('reads key=value pairs and percent-decodes values', () => {
    expect(parseResourceAttributes('team=orders,region.label=eu%20west')).toEqual({
      attributes: { team: 'orders', 'region.label': 'eu west' },
      warnings: [],
    });
  });

  it('keeps the good entries and names the malformed ones in one warning', () => {
    const { attributes, warnings } = parseResourceAttributes('novalue,=x,ok=1');

    expect(attributes).toEqual({ ok: '1' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"novalue"');
    expect(warnings[0]).toContain('"=x"');
  });

  it('uses an undecodable value as written', () => {
    expect(parseResourceAttributes('a=%E0%A4%A').attributes).toEqual({ a: '%E0%A4%A' });
  });
});
