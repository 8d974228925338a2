import { SpanKind } from '@opentelemetry/api';
import { log } from '../../../src/log.ts';
import { extractTrigger, type TriggerExtractor } from '../../../src/triggers/index.ts';

describe('a user-supplied trigger extractor', () => {
  it('that fails, even with a name whose getter throws, leaves the invocation described as "other" with one warning', () => {
    // Prepare
    const warnings: string[] = [];
    const warn = jest.spyOn(log, 'warn').mockImplementation((message: string) => void warnings.push(message));
    const extractor = {
      get name(): string {
        throw new Error('name refused');
      },
      matches: () => {
        throw new Error('matches refused');
      },
      extract: () => ({ kind: SpanKind.SERVER, attributes: {} }),
    } as TriggerExtractor;

    // Act
    const trigger = extractTrigger({}, [extractor]);
    warn.mockRestore();

    // Assess
    expect(trigger.attributes['faas.trigger']).toBe('other');
    expect(warnings).toEqual(['the unnamed trigger extractor failed (Error: matches refused); the invocation is described as "other".']);
  });
});
