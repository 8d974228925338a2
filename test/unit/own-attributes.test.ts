/**
 * The README lists every attribute key the layer emits that the semantic conventions do not
 * define ("Attributes of the layer's own"). This collects the keys from the code that makes
 * them (each trigger on every event fixture, the invocation's own attributes, the timeout and
 * abort marks, the compatibility names) and checks the list against the registry of the
 * @opentelemetry/semantic-conventions release the layer follows (a devDependency, 1.45).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as stable from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { invocationAttributes } from '../../src/invocation/invocation-attributes.ts';
import { ABORT_ATTRIBUTE, TIMEOUT_ATTRIBUTE } from '../../src/invocation/lifecycle.ts';
import { LEGACY_ATTRIBUTE_NAMES } from '../../src/semconv.ts';
import { awsCallAttributes, awsResponseAttributes } from '../../src/aws-requests/aws-call-attributes.ts';
import { DROPPED_PHASES_ATTRIBUTE, INITIALIZATION_TYPE_ATTRIBUTE } from '../../src/coldstart/init-span.ts';
import { EVENT_ATTRIBUTE, RESPONSE_ATTRIBUTE } from '../../src/invocation/payload-capture.ts';
import { extractTrigger } from '../../src/triggers/index.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { describePosted, eventFixtureNames, loadEvent } from './triggers/event-fixtures.ts';

function emittedKeys(): Set<string> {
  const keys = new Set<string>([
    TIMEOUT_ATTRIBUTE,
    ABORT_ATTRIBUTE,
    ...Object.values(LEGACY_ATTRIBUTE_NAMES),
    INITIALIZATION_TYPE_ATTRIBUTE,
    DROPPED_PHASES_ATTRIBUTE,
    EVENT_ATTRIBUTE,
    RESPONSE_ATTRIBUTE,
  ]);
  // An AWS call recognised from its HTTP request (a bundled SDK), with every response id.
  const call = awsCallAttributes({ service: 'S3', operation: 'GetObject', region: 'eu-west-1', bucket: 'b' } as Parameters<typeof awsCallAttributes>[0]);
  const ids = awsResponseAttributes((name) => (name === 'x-amz-request-id' || name === 'x-amz-id-2' ? 'id' : undefined));
  for (const key of Object.keys({ ...call, ...ids })) keys.add(key);
  const context = { awsRequestId: 'id', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f', functionName: 'f' };
  for (const key of Object.keys(invocationAttributes(context, true))) keys.add(key);
  for (const name of eventFixtureNames()) {
    const trigger = extractTrigger(loadEvent(name));
    for (const key of Object.keys(trigger.attributes)) keys.add(key);
    for (const link of trigger.links ?? []) for (const key of Object.keys(link.attributes ?? {})) keys.add(key);
    const batchFailure = { batchItemFailures: [{ itemIdentifier: 'x' }] };
    for (const result of [{ statusCode: 200 }, { statusCode: 503 }, 'text', batchFailure]) for (const key of Object.keys(describePosted(trigger, result)?.attributes ?? {})) keys.add(key);
  }
  return keys;
}

function readmeOwnKeys(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("### Attributes of the layer's own"));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| key |')));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
}

describe("the README's list of the layer's own attribute keys", () => {
  it('names exactly the keys the layer emits that the conventions do not define', () => {
    // Prepare
    const registry = new Set(Object.entries({ ...stable, ...incubating }).filter(([name, value]) => name.startsWith('ATTR_') && typeof value === 'string').map(([, value]) => value as string));

    // Act
    const own = [...emittedKeys()].filter((key) => !registry.has(key)).sort();

    // Assess
    expect(own.length).toBeGreaterThan(0);
    expect(readmeOwnKeys().sort()).toEqual(own);
  });
});
