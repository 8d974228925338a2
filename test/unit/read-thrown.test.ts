import fc from 'fast-check';
import { describeThrown, readThrown } from '../../src/read-thrown.ts';

/** A Proxy whose every trap throws, and records that it ran. */
function trappedProxy(traps: string[], target: object = {}): object {
  const handler: ProxyHandler<object> = {};
  for (const trap of ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'set', 'defineProperty', 'apply', 'construct'] as const) {
    (handler as Record<string, unknown>)[trap] = () => {
      traps.push(trap);
      throw new Error(`trap ${trap}`);
    };
  }
  return new Proxy(target, handler);
}

describe('readThrown', () => {
  it('reads an Error’s name, message and stack', () => {
    const error = new RangeError('too far');

    expect(readThrown(error, true)).toEqual({ type: 'RangeError', message: 'too far', stack: error.stack, isError: true });
  });

  it('runs none of an Error’s own getters, and never throws for them', () => {
    // Prepare
    const calls: string[] = [];
    const error = new TypeError('hidden');
    for (const key of ['message', 'name', 'stack', 'code']) {
      Object.defineProperty(error, key, {
        get() {
          calls.push(key);
          throw new Error(`${key} getter`);
        },
      });
    }

    // Act
    const read = readThrown(error, true);

    // Assess: its own `name` is a getter, so the type is only known to be an Error's.
    expect(calls).toEqual([]);
    expect(read).toEqual({ type: 'Error', message: undefined, stack: undefined, isError: true });
  });

  it('leaves the stack unread when V8 would read a getter to write its first line', () => {
    // Prepare: V8 writes "Name: message" when the stack is first read.
    const calls: string[] = [];
    const error = new Error('plain');
    Object.defineProperty(error, 'message', { get: () => String(calls.push('message getter')) });

    // Act
    const read = readThrown(error, true);

    // Assess
    expect(calls).toEqual([]);
    expect(read.stack).toBeUndefined();
  });

  it('never looks into a Proxy, nor into a prototype chain that holds one', () => {
    const traps: string[] = [];
    const proxy = trappedProxy(traps);
    const inheriting = Object.create(trappedProxy(traps)) as object;

    expect(readThrown(proxy, true)).toEqual({ type: 'object', message: undefined, stack: undefined, isError: false });
    expect(readThrown(trappedProxy(traps, () => undefined)).type).toBe('function');
    expect(readThrown(inheriting, true)).toEqual({ type: 'object', message: undefined, stack: undefined, isError: false });
    expect(traps).toEqual([]);
  });

  it('describes other values by their type, as the runtime clients do, and primitives by their text', () => {
    expect(readThrown('plain')).toEqual({ type: 'string', message: 'plain', stack: undefined, isError: false });
    expect(readThrown(Symbol('s')).message).toBe('Symbol(s)');
    expect(readThrown(10n).message).toBe('10');
    expect(readThrown(null)).toEqual({ type: 'object', message: 'null', stack: undefined, isError: false });
    expect(readThrown(Object.assign(Object.create(null) as object, { message: 'no prototype' }))).toEqual({ type: 'object', message: 'no prototype', stack: undefined, isError: false });
  });

  it('never throws and runs no code of the value, for any value (fast-check; the seed and value print on failure)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }), fc.boolean(), (value, poison) => {
        const traps: string[] = [];
        const subject = poison && typeof value === 'object' && value !== null ? Object.setPrototypeOf(value, trappedProxy(traps)) : value;
        const read = readThrown(subject, true);
        expect(typeof read.type).toBe('string');
        expect(typeof describeThrown(subject)).toBe('string');
        expect(traps).toEqual([]);
      }),
    );
  });
});

describe('describeThrown', () => {
  it('gives one line for the layer’s own log', () => {
    expect(describeThrown(new Error('boom'))).toBe('Error: boom');
    expect(describeThrown('a string')).toBe('a string');
    expect(describeThrown({})).toBe('object');
  });
});
