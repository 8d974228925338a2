import { field, objectField, stringField } from './event-fields.ts';
import { readAllowedHeaders } from './http-headers.ts';
import { httpTrigger } from './http-trigger.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * Application Load Balancer target events, with or without multi-value headers
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html).
 * An ALB has no route templates and names the client only in `X-Forwarded-For`; it always sets
 * `X-Forwarded-Proto`, so no scheme is assumed.
 */
export const ALB_EXTRACTOR: TriggerExtractor = {
  name: 'alb',
  matches: (event) => typeof field(event, 'httpMethod') === 'string' && objectField(objectField(event, 'requestContext'), 'elb') !== undefined,
  extract: extractAlbTrigger,
};

export function extractAlbTrigger(event: unknown): Trigger {
  return httpTrigger(
    {
      method: stringField(event, 'httpMethod'),
      route: undefined,
      path: stringField(event, 'path'),
      defaultScheme: undefined,
      domainName: undefined,
      userAgent: undefined,
      sourceIp: undefined,
      protocol: undefined,
    },
    readAllowedHeaders(event),
  );
}
