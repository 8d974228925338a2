import { OFF_BY_DEFAULT, selectInstrumentations } from '../../../src/instrumentations/instrumentation-settings.ts';
import { INSTRUMENTATION_CATALOGUE } from '../../../src/instrumentations/catalogue.generated.ts';

const names = (config: { enabledInstrumentations: readonly string[] | undefined; disabledInstrumentations: readonly string[] }): string[] =>
  selectInstrumentations(config).entries.map((entry) => entry.name);

describe('selectInstrumentations', () => {
  it('enables everything but the noisy and timer-driven ones by default', () => {
    const enabled = names({ enabledInstrumentations: undefined, disabledInstrumentations: [] });

    expect(enabled).toEqual(expect.arrayContaining(['aws-sdk', 'http', 'undici', 'pg']));
    expect(enabled.filter((name) => OFF_BY_DEFAULT.has(name))).toEqual([]);
    expect(enabled).toHaveLength(INSTRUMENTATION_CATALOGUE.length - OFF_BY_DEFAULT.size);
  });

  it('accepts names with or without the package prefix, enabled and disabled', () => {
    expect(names({ enabledInstrumentations: ['@opentelemetry/instrumentation-aws-sdk', 'fs'], disabledInstrumentations: [] })).toEqual(['aws-sdk', 'fs']);
    expect(names({ enabledInstrumentations: ['http', 'pg'], disabledInstrumentations: ['@opentelemetry/instrumentation-pg'] })).toEqual(['http']);
  });

  it('warns once per variable about its unknown names, listing the valid ones', () => {
    const { warnings } = selectInstrumentations({ enabledInstrumentations: ['htp', 'http'], disabledInstrumentations: ['nope', 'nope'] });

    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^OTEL_NODE_ENABLED_INSTRUMENTATIONS names unknown instrumentation\(s\) "htp";/);
    expect(warnings[1]).toMatch(/^OTEL_NODE_DISABLED_INSTRUMENTATIONS names unknown instrumentation\(s\) "nope";/);
    expect(warnings[0]).toContain('aws-sdk');
  });

  it('never offers the Lambda instrumentation: the layer wraps the handler itself', () => {
    expect(INSTRUMENTATION_CATALOGUE.map((entry) => entry.name)).not.toContain('aws-lambda');
  });
});
