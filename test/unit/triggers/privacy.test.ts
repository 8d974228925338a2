import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { extractTrigger, type Trigger } from '../../../src/triggers/index.ts';
import { loadEvent, describePosted } from './event-fixtures.ts';

/** Values that must never reach telemetry: credentials, cookies, bodies, query strings. */
const SECRETS = [
  'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig-TOPSECRET',
  'Basic dXNlcjpodW50ZXIy',
  'session=SESSION-COOKIE-SECRET',
  'QUERY-TOKEN-SECRET',
  'hunter2-PASSWORD-SECRET',
  'API-KEY-SECRET',
  'AUTHORIZER-CLAIM-SECRET',
];
const [BEARER, BASIC, COOKIE, QUERY_TOKEN, PASSWORD, API_KEY, CLAIM] = SECRETS as [string, string, string, string, string, string, string];
const BODY = JSON.stringify({ username: 'jane', password: PASSWORD });

/** Adds every kind of secret a request can carry to an HTTP event, in all the places events hold them. */
function withSecrets(event: Record<string, unknown>): Record<string, unknown> {
  const secretHeaders = { Authorization: BEARER, 'Proxy-Authorization': BASIC, Cookie: COOKIE, 'X-Api-Key': API_KEY, 'Set-Cookie': COOKIE };
  const headers = (event['headers'] ?? {}) as Record<string, string>;
  event['headers'] = { ...headers, ...secretHeaders };
  if (event['multiValueHeaders'] !== undefined || event['version'] === undefined) {
    const multi = (event['multiValueHeaders'] ?? {}) as Record<string, string[]>;
    event['multiValueHeaders'] = { ...multi, ...Object.fromEntries(Object.entries(secretHeaders).map(([name, value]) => [name, [value]])) };
  }
  event['body'] = BODY;
  event['queryStringParameters'] = { token: QUERY_TOKEN };
  event['multiValueQueryStringParameters'] = { token: [QUERY_TOKEN] };
  event['rawQueryString'] = `token=${QUERY_TOKEN}`;
  event['cookies'] = [COOKIE];
  const requestContext = (event['requestContext'] ?? {}) as Record<string, unknown>;
  requestContext['authorizer'] = { claims: { sub: CLAIM }, lambda: { apiKey: API_KEY } };
  requestContext['identity'] = { ...(requestContext['identity'] as object), apiKey: API_KEY, accessKey: API_KEY };
  event['requestContext'] = requestContext;
  return event;
}

/** Every string a trigger can put into telemetry: span name, attributes, link attributes, result attributes. */
function telemetryStrings(trigger: Trigger, result: unknown): string[] {
  const strings: string[] = [trigger.spanName ?? ''];
  const add = (attributes: Attributes | undefined): void => {
    for (const [key, value] of Object.entries(attributes ?? {})) strings.push(key, ...flatten(value));
  };
  add(trigger.attributes);
  for (const link of trigger.links ?? []) add(link.attributes);
  add(describePosted(trigger, result)?.attributes);
  return strings;
}

function flatten(value: AttributeValue | undefined): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

describe('what triggers never record', () => {
  it.each(['api-gateway-rest', 'api-gateway-rest-minimal', 'api-gateway-http', 'function-url', 'alb', 'alb-multi-value'])(
    'an %s event full of secrets yields no attribute containing them',
    (fixture) => {
      // Prepare
      const event = withSecrets(loadEvent(fixture));
      const result = { statusCode: 200, headers: { 'Set-Cookie': COOKIE }, body: BODY };

      // Act
      const trigger = extractTrigger(event);
      const strings = telemetryStrings(trigger, result);

      // Assess
      expect(trigger.attributes['faas.trigger']).toBe('http');
      for (const secret of [...SECRETS, 'password', 'token=']) {
        expect(strings.filter((value) => value.includes(secret))).toEqual([]);
      }
      expect(strings.filter((value) => /authorization|cookie|query|body/i.test(value))).toEqual([]);
    },
  );

  type Records = Array<Record<string, Record<string, unknown>>>;
  const PAYLOAD_PLACES: Record<string, (event: Record<string, unknown>) => void> = {
    sqs: (event) => ((event['Records'] as Records)[0]!['body'] = BODY as never),
    sns: (event) => {
      const sns = (event['Records'] as Records)[0]!['Sns']!;
      sns['Message'] = BODY;
      sns['Subject'] = PASSWORD;
      sns['MessageAttributes'] = { ...(sns['MessageAttributes'] as object), token: { Type: 'String', Value: QUERY_TOKEN } };
    },
    kinesis: (event) => ((event['Records'] as Records)[0]!['kinesis']!['data'] = Buffer.from(BODY).toString('base64') + PASSWORD),
    'dynamodb-streams-insert': (event) => {
      const dynamodb = (event['Records'] as Records)[0]!['dynamodb']!;
      dynamodb['Keys'] = { Email: { S: PASSWORD } };
      dynamodb['NewImage'] = { Email: { S: PASSWORD }, Token: { S: QUERY_TOKEN } };
    },
    eventbridge: (event) => (event['detail'] = { password: PASSWORD, token: QUERY_TOKEN }),
  };

  it.each(Object.keys(PAYLOAD_PLACES))('a %s event records no message body or item data', (fixture) => {
    // Prepare
    const event = loadEvent(fixture);
    PAYLOAD_PLACES[fixture]!(event);

    // Act
    const strings = telemetryStrings(extractTrigger(event), { batchItemFailures: [{ itemIdentifier: PASSWORD }] });

    // Assess
    for (const secret of [PASSWORD, QUERY_TOKEN, 'password']) expect(strings.filter((value) => value.includes(secret))).toEqual([]);
  });
});
