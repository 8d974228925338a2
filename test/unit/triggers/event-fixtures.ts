import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trace, type Context, type Link } from '@opentelemetry/api';
import type { ResultDescription, Trigger } from '../../../src/triggers/index.ts';

export const EVENT_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'events');

/** A fresh copy of `test/fixtures/events/<name>.json`, free to mutate. */
export function loadEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EVENT_FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** Every fixture's name (without `.json`). */
export function eventFixtureNames(): string[] {
  return readdirSync(EVENT_FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** The span context of a parent, in a form whose jest diff is readable. */
export function spanContextOf(parent: Context | undefined): { traceId: string; spanId: string; traceFlags: number; isRemote?: boolean } | undefined {
  const spanContext = parent === undefined ? undefined : trace.getSpanContext(parent);
  return spanContext === undefined ? undefined : { traceId: spanContext.traceId, spanId: spanContext.spanId, traceFlags: spanContext.traceFlags, isRemote: spanContext.isRemote };
}

export function linkSummaries(links: readonly Link[] | undefined): Array<{ traceId: string; spanId: string; traceFlags: number; attributes: unknown }> {
  return (links ?? []).map((link) => ({
    traceId: link.context.traceId,
    spanId: link.context.spanId,
    traceFlags: link.context.traceFlags,
    attributes: link.attributes,
  }));
}

/** `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → the OpenTelemetry ids. */
export function xrayIds(header: string): { traceId: string; spanId: string; traceFlags: number } {
  const parts = Object.fromEntries(header.split(';').map((part) => part.split('=') as [string, string]));
  const root = parts['Root']!.split('-');
  return { traceId: root[1]! + root[2]!, spanId: parts['Parent']!, traceFlags: parts['Sampled'] === '1' ? 1 : 0 };
}

/** `00-<trace id>-<span id>-<flags>` → the OpenTelemetry ids. */
export function traceparentIds(traceparent: string): { traceId: string; spanId: string; traceFlags: number } {
  const [, traceId, spanId, flags] = traceparent.split('-');
  return { traceId: traceId!, spanId: spanId!, traceFlags: Number.parseInt(flags!, 16) };
}

/** What the trigger says of `result` once the runtime has serialized and posted it (aws-lambda-ric: `JSON.stringify(result ?? null)`). */
export function describePosted(trigger: Trigger, result: unknown): ResultDescription | undefined {
  return trigger.describeResponse?.(JSON.stringify(result === undefined ? null : result));
}
