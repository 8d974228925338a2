import { field, objectField, stringField } from './event-fields.ts';
import { readAllowedHeaders } from './http-headers.ts';
import { httpTrigger, routeTemplate, type HttpRequestFacts } from './http-trigger.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * API Gateway HTTP API events, payload format 2.0
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 * Function URLs send the same shape and are told apart first (./function-url.ts).
 */
export const API_GATEWAY_HTTP_EXTRACTOR: TriggerExtractor = {
  name: 'api-gateway-http',
  matches: isPayloadV2Event,
  extract: extractApiGatewayHttpTrigger,
};

export function isPayloadV2Event(event: unknown): boolean {
  return field(event, 'version') === '2.0' && objectField(objectField(event, 'requestContext'), 'http') !== undefined;
}

export function extractApiGatewayHttpTrigger(event: unknown): Trigger {
  // routeKey is `GET /orders/{id}`, `ANY /{proxy+}` or `$default` (no route).
  const routeKey = stringField(event, 'routeKey');
  const space = routeKey?.indexOf(' ') ?? -1;
  const route = routeKey === undefined || space < 0 ? undefined : routeTemplate(routeKey.slice(space + 1));
  return httpTrigger(payloadV2Facts(event, route), readAllowedHeaders(event));
}

/** The request facts of a payload 2.0 event (HTTP API or Function URL). */
export function payloadV2Facts(event: unknown, route: string | undefined): HttpRequestFacts {
  const requestContext = objectField(event, 'requestContext');
  const http = objectField(requestContext, 'http');
  return {
    method: stringField(http, 'method'),
    route,
    // rawPath is what the client asked for, stage included.
    path: stringField(event, 'rawPath') ?? stringField(http, 'path'),
    // HTTP APIs and Function URLs are HTTPS only.
    defaultScheme: 'https',
    domainName: stringField(requestContext, 'domainName'),
    userAgent: stringField(http, 'userAgent'),
    sourceIp: stringField(http, 'sourceIp'),
    protocol: stringField(http, 'protocol'),
    // "If your function returns valid JSON and doesn't return a statusCode, API Gateway assumes
    // … statusCode is 200" (payload 2.0); Function URLs follow the same rule.
    implicitStatusCode: 200,
  };
}
