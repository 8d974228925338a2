import type { Attributes } from '@opentelemetry/api';

/**
 * FaaS attribute names the layer sets whose names changed in the semantic conventions
 * (registry 1.45, https://opentelemetry.io/docs/specs/semconv/registry/attributes/faas/), and the
 * compatibility setting that keeps the old ones for backends that still key on them.
 */
export const ATTR_FAAS_INVOCATION_ID = 'faas.invocation.id';
/** The invocation's start as the trigger gives it (a scheduled event's `time`), ISO 8601 in UTC. */
export const ATTR_FAAS_INVOCATION_START_TIME = 'faas.invocation.start_time';

/** Current name → the name earlier conventions (and the upstream Lambda instrumentation) used. */
export const LEGACY_ATTRIBUTE_NAMES: Readonly<Record<string, string>> = Object.freeze({
  [ATTR_FAAS_INVOCATION_ID]: 'faas.invocation_id',
  [ATTR_FAAS_INVOCATION_START_TIME]: 'faas.time',
});

/**
 * OTEL_LAMBDA_SEMCONV_COMPAT, in the style of the specification's OTEL_SEMCONV_STABILITY_OPT_IN:
 * `none` the current names only, `faas/dup` both, `faas/old` the old names only.
 */
export const SEMCONV_COMPAT_MODES = ['none', 'faas/dup', 'faas/old'] as const;
export type SemconvCompat = (typeof SEMCONV_COMPAT_MODES)[number];

/** `attributes` with the renamed ones under the names `mode` asks for; the same object for `none`. */
export function withCompatNames(attributes: Attributes, mode: SemconvCompat): Attributes {
  if (mode === 'none') return attributes;
  const result: Attributes = { ...attributes };
  for (const [current, legacy] of Object.entries(LEGACY_ATTRIBUTE_NAMES)) {
    if (!(current in result)) continue;
    result[legacy] = result[current];
    if (mode === 'faas/old') delete result[current];
  }
  return result;
}
