import { describeError, log } from '../log.ts';
import { ALB_EXTRACTOR } from './alb.ts';
import { API_GATEWAY_HTTP_EXTRACTOR } from './api-gateway-http.ts';
import { API_GATEWAY_REST_EXTRACTOR } from './api-gateway-rest.ts';
import { DYNAMODB_STREAMS_EXTRACTOR } from './dynamodb-streams.ts';
import { EVENTBRIDGE_EXTRACTOR } from './eventbridge.ts';
import { FUNCTION_URL_EXTRACTOR } from './function-url.ts';
import { KINESIS_EXTRACTOR } from './kinesis.ts';
import { OTHER_TRIGGER } from './other-trigger.ts';
import { S3_EXTRACTOR } from './s3.ts';
import { SCHEDULED_EVENT_EXTRACTOR } from './scheduled-event.ts';
import { SNS_EXTRACTOR } from './sns.ts';
import { SQS_EXTRACTOR } from './sqs.ts';
import { DEFAULT_TRIGGER_OPTIONS, type Trigger, type TriggerExtractor, type TriggerOptions } from './trigger.ts';

export type { Trigger, TriggerExtractor, TriggerOptions, ResultDescription } from './trigger.ts';
export { OTHER_TRIGGER } from './other-trigger.ts';

/**
 * Checked in order; the first whose `matches` holds describes the invocation. Order matters
 * where shapes overlap: Function URLs before HTTP APIs (same payload 2.0), ALB before REST APIs
 * (both have `httpMethod`), schedule rules before other EventBridge events.
 */
export const TRIGGER_EXTRACTORS: readonly TriggerExtractor[] = [
  FUNCTION_URL_EXTRACTOR,
  API_GATEWAY_HTTP_EXTRACTOR,
  ALB_EXTRACTOR,
  API_GATEWAY_REST_EXTRACTOR,
  SQS_EXTRACTOR,
  SNS_EXTRACTOR,
  S3_EXTRACTOR,
  DYNAMODB_STREAMS_EXTRACTOR,
  KINESIS_EXTRACTOR,
  SCHEDULED_EVENT_EXTRACTOR,
  EVENTBRIDGE_EXTRACTOR,
];

let reportedFailure = false;

/** Never throws: an extractor that fails leaves the invocation described as `other`. */
export function extractTrigger(
  event: unknown,
  extractors: readonly TriggerExtractor[] = TRIGGER_EXTRACTORS,
  options: TriggerOptions = DEFAULT_TRIGGER_OPTIONS,
): Trigger {
  for (const extractor of extractors) {
    try {
      if (extractor.matches(event)) return extractor.extract(event, options);
    } catch (error) {
      if (!reportedFailure) {
        reportedFailure = true;
        log.warn(`the ${nameOf(extractor)} trigger extractor failed (${describeError(error)}); the invocation is described as "other".`);
      }
      return OTHER_TRIGGER;
    }
  }
  return OTHER_TRIGGER;
}

/** A user-supplied extractor's name, for a log line; its `name` may be anything, even a throwing getter. */
function nameOf(extractor: TriggerExtractor): string {
  try {
    return typeof extractor.name === 'string' ? extractor.name : 'unnamed';
  } catch {
    return 'unnamed';
  }
}
