import { objectField, stringField } from './event-fields.ts';
import { isPayloadV2Event, payloadV2Facts } from './api-gateway-http.ts';
import { readAllowedHeaders } from './http-headers.ts';
import { httpTrigger } from './http-trigger.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * Lambda Function URL events: payload format 2.0 on a `<url-id>.lambda-url.<region>.on.aws`
 * domain (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads).
 * A Function URL has no routes, so no `http.route` and the span is named by the method alone.
 */
export const FUNCTION_URL_EXTRACTOR: TriggerExtractor = {
  name: 'function-url',
  matches: (event) => isPayloadV2Event(event) && isFunctionUrlDomain(stringField(objectField(event, 'requestContext'), 'domainName')),
  extract: extractFunctionUrlTrigger,
};

export function extractFunctionUrlTrigger(event: unknown): Trigger {
  return httpTrigger(payloadV2Facts(event, undefined), readAllowedHeaders(event));
}

function isFunctionUrlDomain(domainName: string | undefined): boolean {
  return domainName !== undefined && domainName.includes('.lambda-url.');
}
