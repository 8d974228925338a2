import { defaultTextMapGetter, trace, type Attributes, type Link } from '@opentelemetry/api';
import { LEAN_ROOT_CONTEXT } from '../tracing/lean-context.ts';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator, AWSXRAY_TRACE_ID_HEADER } from '@opentelemetry/propagator-aws-xray';

/**
 * At most this many links per invocation span: the SDK's default span link limit
 * (OTEL_SPAN_LINK_COUNT_LIMIT). A batch can hold 10,000 records; parsing contexts the SDK would
 * drop (and warn about on every invocation) is wasted work. `messaging.batch.message_count`
 * still tells the whole batch size.
 */
export const MAX_LINKS = 128;

const TRACE_CONTEXT = new W3CTraceContextPropagator();
const XRAY = new AWSXRayPropagator();

/** The context a message carries, by precedence: W3C trace context, then an X-Ray trace header. */
export interface MessageContext {
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
  readonly xrayHeader: string | undefined;
}

/**
 * A link to the context a message was sent in, with the message's attributes; undefined when the
 * message carries no valid context. Links never change sampling, so unsampled contexts count too.
 */
export function messageLink(carried: MessageContext, attributes: Attributes): Link | undefined {
  let context = LEAN_ROOT_CONTEXT;
  if (carried.traceparent !== undefined) {
    const carrier: Record<string, string> = { traceparent: carried.traceparent };
    if (carried.tracestate !== undefined) carrier['tracestate'] = carried.tracestate;
    context = TRACE_CONTEXT.extract(context, carrier, defaultTextMapGetter);
  }
  if (trace.getSpanContext(context) === undefined && carried.xrayHeader !== undefined) {
    context = XRAY.extract(context, { [AWSXRAY_TRACE_ID_HEADER]: carried.xrayHeader }, defaultTextMapGetter);
  }
  const spanContext = trace.getSpanContext(context);
  return spanContext === undefined ? undefined : { context: spanContext, attributes };
}

/** Links for up to MAX_LINKS records, skipping those without context. */
export function linksOf(records: readonly unknown[], linkOf: (record: unknown) => Link | undefined): Link[] {
  const links: Link[] = [];
  const end = Math.min(records.length, MAX_LINKS);
  for (let index = 0; index < end; index++) {
    const link = linkOf(records[index]);
    if (link !== undefined) links.push(link);
  }
  return links;
}
