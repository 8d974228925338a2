import { field, isObject, objectField, stringField } from './event-fields.ts';
import { readAllowedHeaders } from './http-headers.ts';
import { httpTrigger, routeTemplate } from './http-trigger.ts';
import type { Trigger, TriggerExtractor } from './trigger.ts';

/**
 * API Gateway REST API (and HTTP API with payload format 1.0) proxy integration events
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format).
 * Checked after ALB, whose events share `httpMethod` but carry `requestContext.elb`.
 */
export const API_GATEWAY_REST_EXTRACTOR: TriggerExtractor = {
  name: 'api-gateway-rest',
  matches(event) {
    const requestContext = field(event, 'requestContext');
    return typeof field(event, 'httpMethod') === 'string' && isObject(requestContext) && requestContext['elb'] === undefined;
  },
  extract: extractApiGatewayRestTrigger,
};

export function extractApiGatewayRestTrigger(event: unknown): Trigger {
  const requestContext = objectField(event, 'requestContext');
  const identity = objectField(requestContext, 'identity');
  return httpTrigger(
    {
      method: stringField(event, 'httpMethod'),
      route: routeTemplate(stringField(event, 'resource') ?? stringField(requestContext, 'resourcePath')),
      // requestContext.path is what the client asked for (with the stage or base path mapping);
      // event.path is relative to the API.
      path: stringField(requestContext, 'path') ?? stringField(event, 'path'),
      // API Gateway endpoints are HTTPS only.
      defaultScheme: 'https',
      domainName: stringField(requestContext, 'domainName'),
      userAgent: stringField(identity, 'userAgent'),
      sourceIp: stringField(identity, 'sourceIp'),
      protocol: stringField(requestContext, 'protocol'),
    },
    readAllowedHeaders(event),
  );
}
