/**
 * Small typed readers for environment values. Each returns the parsed value or, for a bad
 * value, the fallback plus one warning naming the variable, the value, what is allowed and
 * what is used instead. They never throw: a layer switched on by an env var must not break
 * a function.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface Reading<T> {
  value: T;
  warning?: string;
}

function present(raw: string | undefined): raw is string {
  return raw !== undefined && raw.trim() !== '';
}

const MAX_QUOTED_LENGTH = 80;

/**
 * A value as a warning may show it: in double quotes, control characters and quotes escaped (a
 * value holding a line break must not forge a log line of its own), long values cut short.
 */
export function quoted(raw: string): string {
  const shown = raw.length > MAX_QUOTED_LENGTH ? `${raw.slice(0, MAX_QUOTED_LENGTH)}…` : raw;
  return JSON.stringify(shown).replace(/[\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function rejected<T>(key: string, raw: string, allowed: string, fallback: T): Reading<T> {
  return {
    value: fallback,
    warning: `${key}=${quoted(raw)} is not valid (allowed: ${allowed}); using ${JSON.stringify(fallback)}.`,
  };
}

export function readBool(env: Env, key: string, fallback: boolean): Reading<boolean> {
  const raw = env[key];
  if (!present(raw)) return { value: fallback };
  const normalised = raw.trim().toLowerCase();
  if (normalised === 'true' || normalised === '1') return { value: true };
  if (normalised === 'false' || normalised === '0') return { value: false };
  return rejected(key, raw, 'true, false', fallback);
}

export function readInt(
  env: Env,
  key: string,
  fallback: number,
  bounds: { min: number; max: number },
): Reading<number> {
  const raw = env[key];
  if (!present(raw)) return { value: fallback };
  const parsed = Number(raw.trim());
  if (!Number.isInteger(parsed) || parsed < bounds.min || parsed > bounds.max) {
    return rejected(key, raw, `an integer from ${bounds.min} to ${bounds.max}`, fallback);
  }
  return { value: parsed };
}

export function readEnum<T extends string>(
  env: Env,
  key: string,
  allowed: readonly T[],
  fallback: T,
): Reading<T> {
  const raw = env[key];
  if (!present(raw)) return { value: fallback };
  const normalised = raw.trim().toLowerCase();
  const match = allowed.find((candidate) => candidate === normalised);
  if (match === undefined) return rejected(key, raw, allowed.join(', '), fallback);
  return { value: match };
}

/** Comma-separated list, trimmed, lower-cased, without empties. */
export function readList(env: Env, key: string, fallback: readonly string[]): Reading<readonly string[]> {
  const raw = env[key];
  if (!present(raw)) return { value: fallback };
  const items = raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  return { value: items };
}

export function readString(env: Env, key: string): string | undefined {
  const raw = env[key];
  return present(raw) ? raw.trim() : undefined;
}

export function readRatio(env: Env, key: string, fallback: number): Reading<number> {
  const raw = env[key];
  if (!present(raw)) return { value: fallback };
  const parsed = Number(raw.trim());
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) return rejected(key, raw, 'a number from 0 to 1', fallback);
  return { value: parsed };
}

/**
 * An exporter list (OTEL_TRACES_EXPORTER and its kin): comma-separated names, as the
 * specification allows (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#exporter-selection);
 * `none` alone selects no exporter. Unknown names, and `none` beside other names, are left out
 * with one warning for the variable; a list left empty by that falls back to `fallback`.
 */
export function readExporterList<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: readonly T[]): Reading<readonly T[]> {
  const raw = env[key];
  if (!present(raw)) return { value: fallback };
  const names = [...new Set(raw.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== ''))];
  const known = names.filter((name): name is T => (allowed as readonly string[]).includes(name));
  const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
  if (known.length === 1 && known[0] === 'none' && unknown.length === 0) return { value: [] };
  const chosen = known.filter((name) => name !== 'none');
  const problems = [
    ...(unknown.length > 0 ? [`unknown ${unknown.map((name) => quoted(name)).join(', ')} (allowed: ${allowed.join(', ')})`] : []),
    ...(known.includes('none' as T) && chosen.length > 0 ? ['"none" cannot be combined with other exporters'] : []),
  ];
  const value = chosen.length > 0 || known.includes('none' as T) ? chosen : fallback;
  if (problems.length === 0) return { value };
  return { value, warning: `${key}=${quoted(raw)}: ${problems.join('; ')}; using ${JSON.stringify(value.join(','))}.` };
}
