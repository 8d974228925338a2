import { describeError, log } from '../log.ts';
import { OTHER_TRIGGER } from './other-trigger.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

export type { Trigger, TriggerExtractor, ResultDescription } from './trigger.ts';
export { OTHER_TRIGGER } from './other-trigger.ts';

/** Checked in order; the first whose `matches` holds describes the invocation. */
export const TRIGGER_EXTRACTORS: readonly TriggerExtractor[] = [];

let reportedFailure = false;

/** Never throws: an extractor that fails leaves the invocation described as `other`. */
export function extractTrigger(event: unknown, extractors: readonly TriggerExtractor[] = TRIGGER_EXTRACTORS): Trigger {
  for (const extractor of extractors) {
    try {
      if (extractor.matches(event)) return extractor.extract(event);
    } catch (error) {
      if (!reportedFailure) {
        reportedFailure = true;
        log.warn(`the ${extractor.name} trigger extractor failed (${describeError(error)}); the invocation is described as "other".`);
      }
      return OTHER_TRIGGER;
    }
  }
  return OTHER_TRIGGER;
}
