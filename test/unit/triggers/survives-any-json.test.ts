import { SpanKind, isSpanContextValid, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { TRIGGER_EXTRACTORS, extractTrigger, type Trigger } from '../../../src/triggers/index.ts';
import { MAX_LINKS } from '../../../src/triggers/message-links.ts';
import { eventFixtureNames, loadEvent, describePosted } from './event-fixtures.ts';
import { jsonGenerator, mutate, seededRandom } from './random-json.ts';

const SEED = 20_240_310;
const RANDOM_CASES = 4000;
const MUTATED_CASES_PER_FIXTURE = 300;
const FAAS_TRIGGERS = new Set(['http', 'pubsub', 'datasource', 'timer', 'other']);
const SPAN_KINDS = new Set<number>([SpanKind.SERVER, SpanKind.CONSUMER]);

function isAttributeValue(value: AttributeValue | undefined): boolean {
  const scalar = (item: unknown): boolean =>
    typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item));
  return Array.isArray(value) ? value.every((item) => item === null || item === undefined || scalar(item)) : scalar(value);
}

/** What must hold for any trigger, whatever the event: the lifecycle relies on it. */
function problemsOf(trigger: Trigger, result: unknown): string[] {
  const problems: string[] = [];
  const checkAttributes = (where: string, attributes: Attributes | undefined): void => {
    for (const [key, value] of Object.entries(attributes ?? {})) {
      if (!isAttributeValue(value)) problems.push(`${where} ${key} is ${String(value)}`);
    }
  };
  if (!SPAN_KINDS.has(trigger.kind)) problems.push(`kind ${trigger.kind}`);
  if (trigger.spanName !== undefined && (typeof trigger.spanName !== 'string' || trigger.spanName === '')) problems.push('span name');
  if (!FAAS_TRIGGERS.has(String(trigger.attributes['faas.trigger']))) problems.push(`faas.trigger ${String(trigger.attributes['faas.trigger'])}`);
  checkAttributes('attribute', trigger.attributes);
  if ((trigger.links?.length ?? 0) > MAX_LINKS) problems.push('too many links');
  for (const link of trigger.links ?? []) {
    if (!isSpanContextValid(link.context)) problems.push('invalid link context');
    checkAttributes('link attribute', link.attributes);
  }
  const described = describePosted(trigger, result);
  if (described !== undefined) {
    checkAttributes('result attribute', described.attributes);
    if (typeof described.isError !== 'boolean') problems.push('isError');
  }
  return problems;
}

/** Runs every extractor on the event directly (extractTrigger would hide a throw), then the registry. */
function exercise(event: unknown, result: unknown): string[] {
  const problems: string[] = [];
  for (const extractor of TRIGGER_EXTRACTORS) {
    try {
      const matched = extractor.matches(event);
      if (typeof matched !== 'boolean') problems.push(`${extractor.name}.matches returned ${String(matched)}`);
      // Also on events it does not match: an extractor must be safe however it is called.
      problems.push(...problemsOf(extractor.extract(event), result).map((problem) => `${extractor.name}: ${problem}`));
    } catch (error) {
      problems.push(`${extractor.name} threw ${String(error)}`);
    }
  }
  problems.push(...problemsOf(extractTrigger(event), result));
  return problems;
}

describe('every trigger extractor', () => {
  let write: jest.SpyInstance;
  beforeAll(() => {
    write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(() => write.mockRestore());

  it(`survives ${RANDOM_CASES} arbitrary JSON values (seed ${SEED})`, () => {
    // Prepare
    const generator = jsonGenerator(seededRandom(SEED));
    const failures: Array<{ index: number; event: string; problems: string[] }> = [];

    // Act
    for (let index = 0; index < RANDOM_CASES; index++) {
      const event = generator.value(5);
      const problems = exercise(event, generator.value(3));
      if (problems.length > 0) failures.push({ index, event: JSON.stringify(event)?.slice(0, 2000) ?? String(event), problems });
    }

    // Assess
    expect(failures.slice(0, 5)).toEqual([]);
    expect(write).not.toHaveBeenCalled();
  });

  it.each(eventFixtureNames())(`survives ${MUTATED_CASES_PER_FIXTURE} random mutations of the %s fixture`, (fixture) => {
    // Prepare
    const generator = jsonGenerator(seededRandom(SEED ^ fixture.length ^ fixture.charCodeAt(0)));
    const original = loadEvent(fixture);
    const failures: Array<{ index: number; event: string; problems: string[] }> = [];

    // Act
    for (let index = 0; index < MUTATED_CASES_PER_FIXTURE; index++) {
      const event = mutate(original, generator, 1 + generator.integer(4));
      const problems = exercise(event, generator.value(3));
      if (problems.length > 0) failures.push({ index, event: JSON.stringify(event).slice(0, 2000), problems });
    }

    // Assess
    expect(failures.slice(0, 3)).toEqual([]);
    expect(write).not.toHaveBeenCalled();
  });
});
