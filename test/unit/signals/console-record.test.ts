import { inspect } from 'node:util';
import { formatWithoutUserCode } from '../../../src/signals/console-format.ts';

describe('a console call’s log record', () => {
  it('reads what util.format prints for plain values', () => {
    expect(formatWithoutUserCode(['processing order', 42])).toBe('processing order 42');
    expect(formatWithoutUserCode(['%s has %d items', 'cart', 3])).toBe('cart has 3 items');
    expect(formatWithoutUserCode(['state', { a: [1, 2] }])).toBe('state { a: [ 1, 2 ] }');
    expect(formatWithoutUserCode([{ note: '%s' }, 'text', 7])).toBe("{ note: '%s' } text 7");
  });

  it('runs none of the logged values’ code: inspect hooks, getters, toString, Proxy traps', () => {
    // Prepare
    const calls: string[] = [];
    const custom = { [inspect.custom]: () => calls.push('inspect.custom') };
    const getter = Object.defineProperty({}, 'total', { enumerable: true, get: () => calls.push('getter') });
    const stringified = { toString: () => String(calls.push('toString')) };
    const proxy = new Proxy({}, { get: () => calls.push('get trap'), ownKeys: () => (calls.push('ownKeys trap'), []) });
    const error = Object.defineProperty(new Error('hidden'), 'message', { get: () => calls.push('message getter') });

    // Act
    const body = formatWithoutUserCode(['%s', stringified, custom, getter, proxy, error]);

    // Assess
    expect(calls).toEqual([]);
    expect(typeof body).toBe('string');
  });
});
