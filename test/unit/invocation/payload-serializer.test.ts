import fc from 'fast-check';
import { DEFAULT_REDACTED_KEYS, REDACTED, serializePayload, type PayloadLimits } from '../../../src/invocation/payload-serializer.ts';
import { loadEvent } from '../triggers/event-fixtures.ts';

const ROOMY: PayloadLimits = { maxDepth: 64, maxLength: 1_000_000, redactKeys: [] };
const limitsArbitrary = fc.record({ maxDepth: fc.integer({ min: 1, max: 12 }), maxLength: fc.integer({ min: 64, max: 3000 }), redactKeys: fc.constant([]) });

function text(value: unknown, limits: PayloadLimits = ROOMY): string {
  const serialized = serializePayload(value, limits);
  if (serialized === undefined) throw new Error('nothing serialized');
  return serialized.text;
}

/** Any JS value fast-check can build: boxed values, maps, sets, typed arrays, sparse arrays, null prototypes, bigints, dates. */
const anyValue = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withObjectString: true,
  maxDepth: 6,
});

/** Every object key in a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(keysOf);
  return Object.entries(value).flatMap(([key, entry]) => [key, ...keysOf(entry)]);
}

/**
 * Keys the serializer changes on purpose, compared as its documentation says: lower-cased and
 * stripped of everything but letters and digits (so `C vv` is a card code as much as `cvv`).
 */
const CHANGED_ON_PURPOSE = /password|passwd|pwd|secret|token|authorization|cookie|apikey|credential|private|session|signature|accesskey|creditcard|cardnumber|cvv|headers|querystring/;

/** JSON values without what the serializer changes on purpose (secret-looking keys, header maps, JSON in strings, query strings). */
const plainJson = fc
  .jsonValue({ maxDepth: 6 })
  .filter((value) => !keysOf(value).some((key) => CHANGED_ON_PURPOSE.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''))))
  .filter((value) => !JSON.stringify(value).match(/"[{[]/));

describe('the payload serializer', () => {
  it('writes JSON data as JSON.stringify does when it fits', () => {
    fc.assert(
      fc.property(plainJson, (value) => {
        // Act
        const written = text(value);

        // Assess
        expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('always writes valid JSON within the length limit, looking at no more values than that, for any value and limits', () => {
    fc.assert(
      fc.property(anyValue, limitsArbitrary, (value, limits) => {
        // Act
        const serialized = serializePayload(value, limits);

        // Assess
        if (serialized === undefined) {
          expect(value === undefined || typeof value === 'function' || typeof value === 'symbol').toBe(true);
          return;
        }
        expect(() => JSON.parse(serialized.text) as unknown).not.toThrow();
        expect(serialized.text.length).toBeLessThanOrEqual(limits.maxLength);
        expect(serialized.visited).toBeLessThanOrEqual(limits.maxLength + 1);
      }),
    );
  });

  it('never runs the payload’s getters, toJSON methods or proxy traps', () => {
    // Armed only while the serializer runs: fast-check itself looks into the values it builds.
    let armed = false;
    let calls = 0;
    const trap = (): undefined => {
      if (!armed) return undefined;
      calls++;
      throw new Error('user code ran');
    };
    /** A proxy trap that behaves like the target unless armed. */
    const proxyTrap =
      <K extends keyof typeof Reflect>(name: K): ((...args: unknown[]) => never) =>
      (...args) => {
        trap();
        return (Reflect[name] as (...rest: unknown[]) => never)(...args);
      };
    /** Wraps generated objects in getters, toJSON methods and proxies whose every use is counted. */
    const hostile = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.jsonValue({ maxDepth: 2 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
        fc.array(tie('node'), { maxLength: 4 }),
        tie('node').map((inner) => Object.defineProperty({ inner }, 'secretGetter', { get: trap, enumerable: true })),
        tie('node').map((inner) => ({ inner, toJSON: trap })),
        tie('node').map((inner) => Object.assign(Object.create({ toJSON: trap }) as object, { inner })),
        tie('node').map(
          (inner) =>
            new Proxy(
              { inner },
              { get: proxyTrap('get'), ownKeys: proxyTrap('ownKeys'), getOwnPropertyDescriptor: proxyTrap('getOwnPropertyDescriptor'), has: proxyTrap('has'), getPrototypeOf: proxyTrap('getPrototypeOf') },
            ),
        ),
        tie('node').map((inner) => {
          const array = [inner];
          Object.defineProperty(array, 1, { get: trap, enumerable: true });
          return array;
        }),
        tie('node').map((inner) => Object.assign(new Number(1), { valueOf: trap, inner })),
      ),
    })).node;
    fc.assert(
      fc.property(hostile, limitsArbitrary, (value, limits) => {
        // Act
        calls = 0;
        armed = true;
        const serialized = serializePayload(value, limits);
        armed = false;

        // Assess
        expect(calls).toBe(0);
        if (serialized !== undefined) expect(() => JSON.parse(serialized.text) as unknown).not.toThrow();
      }),
    );
  });

  it('ends on cyclic payloads with valid JSON that marks the cycle', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 1, max: 5 }), (value, chain) => {
        // Prepare
        const root: Record<string, unknown> = { value };
        let node = root;
        for (let index = 0; index < chain; index++) node = (node['next'] = { value }) as Record<string, unknown>;
        node['back'] = root;
        node['list'] = [root, node];

        // Act
        const written = text(root);

        // Assess
        expect(written).toContain('"[Circular]"');
        expect(() => JSON.parse(written) as unknown).not.toThrow();
      }),
    );
  });

  it('redacts the value of every key that looks like a secret, however it is spelled, and keys the user adds', () => {
    const secretKey = fc
      .tuple(fc.constantFrom(...DEFAULT_REDACTED_KEYS, 'tenant-ref'), fc.constantFrom('', 'x_', 'X-', 'my'), fc.constantFrom('', 'Id', '_value'), fc.boolean())
      .map(([fragment, prefix, suffix, upper]) => {
        const key = `${prefix}${fragment.replace('key', '_key')}${suffix}`;
        return upper ? key.toUpperCase() : key;
      });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), secretKey, fc.constantFrom('SECRET-VALUE-1', { nested: 'SECRET-VALUE-2' }, ['SECRET-VALUE-3']), (value, key, secret) => {
        // Prepare
        const payload = { data: value, deeper: { [key]: secret } };

        // Act
        const written = text(payload, { ...ROOMY, redactKeys: ['TENANT_REF'] });

        // Assess
        expect(written).not.toContain('SECRET-VALUE');
        expect((JSON.parse(written) as { deeper: Record<string, unknown> }).deeper[key]).toBe(REDACTED);
      }),
    );
  });

  it('keeps only the allowlisted headers of an HTTP event, also inside multi-value maps, and redacts its secrets elsewhere', () => {
    // Prepare
    const event = loadEvent('api-gateway-rest');
    event['headers'] = { Host: 'api.example.com', 'User-Agent': 'curl/8', Authorization: 'Bearer SECRET-1', Cookie: 'sid=SECRET-2', 'X-Custom': 'SECRET-3' };
    event['multiValueHeaders'] = { Host: ['api.example.com'], 'X-Api-Key': ['SECRET-4'] };
    event['queryStringParameters'] = { page: '2', access_token: 'SECRET-5' };
    event['body'] = JSON.stringify({ user: 'jane', password: 'SECRET-6' });
    event['rawQueryString'] = 'page=2&api_key=SECRET-7&sessionId=SECRET-8';
    event['cookies'] = ['sid=SECRET-9'];

    // Act
    const written = JSON.parse(text(event)) as Record<string, unknown>;

    // Assess
    expect(JSON.stringify(written)).not.toContain('SECRET');
    expect(written['headers']).toEqual({ Host: 'api.example.com', 'User-Agent': 'curl/8' });
    expect(written['multiValueHeaders']).toEqual({ Host: ['api.example.com'] });
    expect(written['queryStringParameters']).toEqual({ page: '2', access_token: REDACTED });
    expect(written['body']).toEqual({ user: 'jane', password: REDACTED });
    expect(written['rawQueryString']).toBe(`page=2&api_key=${REDACTED}&sessionId=${REDACTED}`);
    expect(written['cookies']).toBe(REDACTED);
  });

  it('cuts a huge payload at the limit between entries, marking where, after looking at about as many values as it wrote', () => {
    // Prepare
    const huge = { records: Array.from({ length: 200_000 }, (_, index) => ({ id: index, body: 'x'.repeat(50) })), blob: 'y'.repeat(5_000_000) };
    const limits = { maxDepth: 10, maxLength: 2000, redactKeys: [] };

    // Act
    const serialized = serializePayload(huge, limits)!;

    // Assess
    expect(serialized.truncated).toBe(true);
    expect(serialized.text.length).toBeLessThanOrEqual(2000);
    expect(serialized.visited).toBeLessThanOrEqual(2001);
    const parsed = JSON.parse(serialized.text) as { records: Array<Record<string, unknown>>; blob?: unknown };
    expect(parsed.records.length).toBeLessThan(huge.records.length);
    expect(parsed.records.at(-1)).toEqual(expect.objectContaining({ '…': '[truncated]' }));
    expect(parsed.blob).toBeUndefined();
  });

  it('cuts a long string with an ellipsis and replaces what lies deeper than the depth limit', () => {
    // Act
    const long = JSON.parse(text({ note: 'z'.repeat(500) }, { maxDepth: 5, maxLength: 200, redactKeys: [] })) as { note: string };
    const deep = JSON.parse(text({ a: { b: { c: [1] } }, list: [[1]] }, { maxDepth: 2, maxLength: 1000, redactKeys: [] })) as unknown;

    // Assess
    expect(long.note).toMatch(/^z+…$/);
    expect(deep).toEqual({ a: { b: '[Object]' }, list: ['[Array]'] });
  });

  it('describes what JSON would get from code it does not run, and writes Dates and boxed values as JSON does', () => {
    // Prepare
    const withGetter = Object.defineProperty({}, 'computed', { get: () => 1, enumerable: true });
    const date = new Date('2026-11-28T10:00:00.000Z');

    // Act
    const written = JSON.parse(
      text({ withGetter, custom: { toJSON: () => 'x' }, date, invalidDate: new Date(Number.NaN), boxed: [new Number(1), new String('s'), new Boolean(false)], buffer: Buffer.from('abc'), big: 10n, skipped: undefined, fn: () => 1 }),
    ) as unknown;

    // Assess
    expect(written).toEqual({
      withGetter: { computed: '[Getter]' },
      custom: '[toJSON]',
      date: '2026-11-28T10:00:00.000Z',
      invalidDate: null,
      boxed: [1, 's', false],
      buffer: '[binary 3 bytes]',
      big: '[BigInt]',
    });
  });

  it('records nothing for a value JSON cannot write at the top level', () => {
    expect([undefined, () => 1, Symbol('s')].map((value) => serializePayload(value, ROOMY))).toEqual([undefined, undefined, undefined]);
  });
});
