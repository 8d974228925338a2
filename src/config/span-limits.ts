import { readInt, type Env } from './readers.ts';

/**
 * Span limits (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#span-limits),
 * with the SDK's defaults; `attributeValueLengthLimit` Infinity means no truncation.
 */
export interface SpanLimits {
  readonly attributeCountLimit: number;
  readonly attributeValueLengthLimit: number;
  readonly eventCountLimit: number;
  readonly linkCountLimit: number;
  readonly attributePerEventCountLimit: number;
  readonly attributePerLinkCountLimit: number;
}

const COUNT_LIMIT_DEFAULT = 128;
const LIMIT_MAX = 1_000_000_000;

/**
 * The span-specific variable wins over the general OTEL_ATTRIBUTE_* one, as the specification
 * says; a bad value of either is reported, whichever is used.
 */
export function readSpanLimits(env: Env, take: <T>(reading: { value: T; warning?: string }) => T): SpanLimits {
  const count = (key: string, fallback = COUNT_LIMIT_DEFAULT): number => take(readInt(env, key, fallback, { min: 0, max: LIMIT_MAX }));
  // Infinity: no truncation, the SDK's default.
  const length = (key: string, fallback: number): number => take(readInt(env, key, fallback, { min: 1, max: LIMIT_MAX }));
  return {
    attributeCountLimit: count('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', count('OTEL_ATTRIBUTE_COUNT_LIMIT')),
    attributeValueLengthLimit: length('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', length('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', Infinity)),
    eventCountLimit: count('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: count('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: count('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'),
    attributePerLinkCountLimit: count('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'),
  };
}
