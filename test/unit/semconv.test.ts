import { ATTR_FAAS_INVOCATION_ID, ATTR_FAAS_INVOCATION_START_TIME, withCompatNames } from '../../src/semconv.ts';
// The registry's own constants, from the release the layer follows (devDependency, 1.45).
import { ATTR_FAAS_INVOCATION_ID as REGISTRY_INVOCATION_ID, ATTR_FAAS_INVOCATION_START_TIME as REGISTRY_START_TIME } from '@opentelemetry/semantic-conventions/incubating';

describe('FaaS attribute names', () => {
  it('are the ones the semantic conventions registry defines', () => {
    expect([ATTR_FAAS_INVOCATION_ID, ATTR_FAAS_INVOCATION_START_TIME]).toEqual([REGISTRY_INVOCATION_ID, REGISTRY_START_TIME]);
  });

  it('keep their current names by default, both names with faas/dup, the old ones with faas/old', () => {
    const attributes = { [ATTR_FAAS_INVOCATION_ID]: 'id-1', [ATTR_FAAS_INVOCATION_START_TIME]: '2026-01-01T00:00:00Z', 'faas.trigger': 'timer' };

    expect(withCompatNames(attributes, 'none')).toBe(attributes);
    expect(withCompatNames(attributes, 'faas/dup')).toEqual({ ...attributes, 'faas.invocation_id': 'id-1', 'faas.time': '2026-01-01T00:00:00Z' });
    expect(withCompatNames(attributes, 'faas/old')).toEqual({ 'faas.invocation_id': 'id-1', 'faas.time': '2026-01-01T00:00:00Z', 'faas.trigger': 'timer' });
  });
});
