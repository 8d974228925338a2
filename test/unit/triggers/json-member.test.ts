import fc from 'fast-check';
import { topLevelMember } from '../../../src/triggers/json-member.ts';

describe('topLevelMember', () => {
  it('finds a member of what JSON.stringify writes as JSON.parse would (fast-check; the seed and value print on failure)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), fc.string(), (object, extraKey) => {
        const json = JSON.stringify(object);
        for (const key of [...Object.keys(object), extraKey]) {
          const member = topLevelMember(json, key);
          const expected: unknown = Object.prototype.hasOwnProperty.call(object, key) ? JSON.parse(JSON.stringify(object[key])) : undefined;
          expect(member === undefined ? undefined : JSON.parse(member)).toEqual(expected);
        }
      }),
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json().map((json) => json.slice(0, -1))), (text) => {
        expect(() => topLevelMember(text, 'statusCode')).not.toThrow();
      }),
    );
  });

  it('skips nested members and strings that look like members', () => {
    const json = '{"a":{"statusCode":1},"b":"\\"statusCode\\":2","c":[{"statusCode":3}],"statusCode":4}';

    expect(topLevelMember(json, 'statusCode')).toBe('4');
  });
});
