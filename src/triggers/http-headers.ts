import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, trace, type Context } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator, AWSXRAY_TRACE_ID_HEADER } from '@opentelemetry/propagator-aws-xray';
import { field, isObject } from './event-fields.ts';

/**
 * The only request headers the layer ever reads, lowercase. Everything else (Authorization,
 * Cookie, API keys, …) is never looked at, so it cannot end up in telemetry.
 */
const ALLOWED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'traceparent',
  'tracestate',
  'baggage',
  AWSXRAY_TRACE_ID_HEADER,
]);

/** Whether the layer may read (and so record) a header of this name. */
export function isAllowedHeader(name: string): boolean {
  return ALLOWED_HEADERS.has(name.toLowerCase());
}

/** Allowlisted header values by lowercase name, in the order the request carried them. */
export type AllowedHeaders = Readonly<Record<string, readonly string[]>>;

/**
 * The allowlisted headers of an API Gateway, Function URL or ALB event. Names are matched
 * case-insensitively (REST APIs and ALB keep the client's case; HTTP APIs lowercase them).
 * `multiValueHeaders` (REST APIs send both maps; ALB one of them) holds every value, `headers`
 * only the last one, so the multi-value map wins for a name found in both.
 */
export function readAllowedHeaders(event: unknown): AllowedHeaders {
  const found: Record<string, readonly string[]> = {};
  const multi = field(event, 'multiValueHeaders');
  if (isObject(multi)) {
    for (const name of Object.keys(multi)) {
      const key = name.toLowerCase();
      if (!ALLOWED_HEADERS.has(key)) continue;
      const values = multi[name];
      if (Array.isArray(values)) {
        const strings = values.filter((value): value is string => typeof value === 'string');
        if (strings.length > 0) found[key] = found[key] === undefined ? strings : [...found[key], ...strings];
      }
    }
  }
  const single = field(event, 'headers');
  if (isObject(single)) {
    for (const name of Object.keys(single)) {
      const key = name.toLowerCase();
      const value = single[name];
      if (ALLOWED_HEADERS.has(key) && found[key] === undefined && typeof value === 'string') found[key] = [value];
    }
  }
  return found;
}

/** The first value of a header, if non-empty. */
export function firstHeader(headers: AllowedHeaders, name: string): string | undefined {
  const value = headers[name]?.[0];
  return value === undefined || value === '' ? undefined : value;
}

/** The originating client of `X-Forwarded-For: client, proxy1, proxy2`. */
export function forwardedClient(headers: AllowedHeaders): string | undefined {
  const value = firstHeader(headers, 'x-forwarded-for');
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  const client = (comma < 0 ? value : value.slice(0, comma)).trim();
  return client === '' ? undefined : client;
}

// Used directly rather than through the global propagator: what a request carries is read the
// same way whatever OTEL_PROPAGATORS says about outgoing calls.
const TRACE_CONTEXT = new W3CTraceContextPropagator();
const BAGGAGE = new W3CBaggagePropagator();
const XRAY = new AWSXRayPropagator();

/**
 * The caller's context from W3C `traceparent`/`tracestate`/`baggage`
 * (https://www.w3.org/TR/trace-context/), else from a sampled `X-Amzn-Trace-Id`. Malformed
 * headers are ignored by the propagators. Undefined when the request carries neither.
 *
 * An X-Ray header counts only when sampled: AWS front doors add `X-Amzn-Trace-Id` to requests
 * on their own (ALB a bare `Root=`, API Gateway `Sampled=0` when tracing is off), and adopting
 * an unsampled one would make a parent-based sampler drop the invocation's trace (the same rule
 * as the invocation's own X-Ray header in ../invocation/parent-context.ts).
 */
export function parentFromHeaders(headers: AllowedHeaders): Context | undefined {
  let context = ROOT_CONTEXT;
  if (headers['traceparent'] !== undefined) context = TRACE_CONTEXT.extract(context, headers, defaultTextMapGetter);
  if (headers['baggage'] !== undefined) context = BAGGAGE.extract(context, headers, defaultTextMapGetter);
  if (trace.getSpanContext(context) === undefined && headers[AWSXRAY_TRACE_ID_HEADER] !== undefined) {
    const withXray = XRAY.extract(context, headers, defaultTextMapGetter);
    const spanContext = trace.getSpanContext(withXray);
    if (spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0) context = withXray;
  }
  return context === ROOT_CONTEXT ? undefined : context;
}
