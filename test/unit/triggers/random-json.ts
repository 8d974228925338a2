/**
 * A small seeded generator of arbitrary JSON values, biased towards the keys and strings Lambda
 * events use, so that random values often get past the extractors' first checks.
 */

/** mulberry32: a tiny, fast, seedable PRNG; the same seed always gives the same cases. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENT_KEYS = [
  'Records', 'eventSource', 'EventSource', 'eventSourceARN', 'eventName', 'eventTime', 'eventID', 'requestContext', 'http', 'elb',
  'headers', 'multiValueHeaders', 'httpMethod', 'method', 'version', 'routeKey', 'rawPath', 'path', 'resource', 'resourcePath',
  'domainName', 'identity', 'sourceIp', 'userAgent', 'protocol', 'detail-type', 'source', 'time', 'id', 'detail', 'Sns', 'TopicArn',
  'MessageId', 'MessageAttributes', 'Value', 's3', 'bucket', 'object', 'name', 'key', 'dynamodb', 'ApproximateCreationDateTime',
  'kinesis', 'messageId', 'messageAttributes', 'attributes', 'AWSTraceHeader', 'traceparent', 'tracestate', 'baggage', 'stringValue',
  'host', 'Host', 'user-agent', 'x-forwarded-for', 'X-Forwarded-Proto', 'x-amzn-trace-id', 'statusCode', 'body',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'length', '',
];

const EVENT_STRINGS = [
  '', ' ', 'aws:sqs', 'aws:sns', 'aws:s3', 'aws:dynamodb', 'aws:kinesis', 'aws.events', 'Scheduled Event', '2.0', '1.0',
  'GET', 'POST', 'get', '_OTHER', 'GET /orders/{id}', '$default', 'ANY /{proxy+}', ' /', '/', 'INSERT', 'MODIFY', 'REMOVE',
  'ObjectCreated:Put', 'ObjectRemoved:Delete', 'constructor', '__proto__', 'HTTP/1.1', 'HTTP/2.0', 'HTTP/', 'http', 'https',
  'arn:aws:sqs:us-east-1:123456789012:q', 'arn:aws:kinesis:us-east-1:1:stream/s', 'arn:aws:dynamodb:r:1:table/t/stream/x', 'arn:',
  'arn:::::', 'x.lambda-url.us-east-1.on.aws', 'example.com:8080', '[::1]:80', '[::1', ':', '::::', 'a:b:c', '1.2.3.4, 5.6.7.8', ',',
  '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-00000000000000000000000000000000-0000000000000000-01',
  'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
  'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', 'Root=1-5759e988-bd862e3fe1be46a994272793',
  'Root=;Parent=;Sampled=', 'tenant=acme', '=;=,,', 'rojo=00f067aa0ba902b7', '%', '%E0%A4%A', 'a+b%20c', '\u0000', '\ud800',
  '😀'.repeat(3), 'x'.repeat(5000), 'shardId-1:2', ':x', '200', '500', 'abc', '1e3', '-1',
];

const NUMBERS = [0, -0, 1, -1, 0.5, 200, 404, 500, 599, 600, 99, 65535, 65536, 1e300, -1e300, 8.64e12, 8.65e12, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1];

export interface JsonGenerator {
  value(depth?: number): unknown;
  pick<T>(items: readonly T[]): T;
  integer(max: number): number;
}

export function jsonGenerator(random: () => number): JsonGenerator {
  const integer = (max: number): number => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[integer(items.length)]!;

  function string(): string {
    if (random() < 0.8) return pick(EVENT_STRINGS);
    return Array.from({ length: integer(12) }, () => String.fromCharCode(32 + integer(0x2000))).join('');
  }

  function value(depth = 4): unknown {
    const roll = random();
    if (depth <= 0 || roll < 0.35) {
      const scalar = integer(5);
      if (scalar === 0) return null;
      if (scalar === 1) return random() < 0.5;
      if (scalar === 2) return random() < 0.6 ? pick(NUMBERS) : (random() - 0.5) * 10 ** integer(20);
      return string();
    }
    if (roll < 0.6) return Array.from({ length: integer(5) }, () => value(depth - 1));
    const object: Record<string, unknown> = {};
    const size = integer(7);
    for (let index = 0; index < size; index++) {
      setOwn(object, random() < 0.85 ? pick(EVENT_KEYS) : string(), value(depth - 1));
    }
    return object;
  }

  return { value, pick, integer };
}

/**
 * A copy of `event` with a few random edits: a value replaced, a key deleted or added, a type
 * changed, an array emptied or duplicated.
 */
export function mutate(event: unknown, generator: JsonGenerator, edits: number): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(event));
  for (let edit = 0; edit < edits; edit++) {
    const containers = containersOf(copy);
    if (containers.length === 0) return generator.value();
    const container = generator.pick(containers);
    const keys = Object.keys(container);
    const key = keys.length > 0 && generator.integer(5) > 0 ? generator.pick(keys) : generator.pick(['Records', 'headers', '__proto__', 'x']);
    // Own properties only: an inherited one (`__proto__`) must never become part of the event.
    const current = Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
    const choice = generator.integer(7);
    let next: unknown;
    if (choice === 0) next = generator.value(2);
    else if (choice === 1) next = null;
    else if (choice === 2) next = typeof current === 'string' ? Number(current.length) : String(current);
    else if (choice === 3) next = Array.isArray(current) ? [] : [current];
    else if (choice === 4) next = Array.isArray(current) ? [...current, ...current] : { wrapped: current };
    else if (choice === 5) next = typeof current === 'string' ? current.slice(0, generator.integer(current.length + 1)) : {};
    if (choice === 6 && !Array.isArray(container)) delete (container as Record<string, unknown>)[key];
    else setOwn(container, key, next);
  }
  return copy;
}

function containersOf(value: unknown, found: object[] = []): object[] {
  if (typeof value === 'object' && value !== null) {
    found.push(value);
    for (const child of Object.values(value)) containersOf(child, found);
  }
  return found;
}

/** Sets an own property, as JSON.parse does: assigning `__proto__` would change the prototype instead. */
function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string, unknown>)[key] = value;
}
