import { isFieldValue, isToken, wireFieldValue } from '../http/field-syntax.ts';
import { isWellFormedText, percentDecode } from './percent-decode.ts';

/** Header names are case-insensitive: one entry per lower-cased name, with the name as written. */
export type HeaderSet = ReadonlyMap<string, { readonly name: string; readonly value: string }>;

export interface HeadersReading {
  readonly headers: HeaderSet;
  readonly warnings: readonly string[];
}

/**
 * Fields the exporter writes itself: a second one would make the request ambiguous (two lengths,
 * two hosts) or change its framing, which servers and proxies answer with 400 or misread.
 */
const EXPORTER_OWNED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'expect', 'content-type', 'content-encoding', 'proxy-connection']);
const MAX_SHOWN_NAME_LENGTH = 64;

/**
 * OTEL_EXPORTER_OTLP_HEADERS and its per-signal variants, as the specification defines them
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specifying-headers-via-environment-variables):
 * `key=value` entries separated by commas, in the W3C Baggage format without properties, values
 * percent-decoded as UTF-8. An entry becomes a header only if its name is an HTTP token and its
 * value a valid field value (RFC 9110), so nothing in the variable can add a line to a request.
 * Each entry left out gets one warning naming the variable and the entry's position and name,
 * never its value: values are usually credentials.
 */
export function parseOtlpHeaders(variable: string, raw: string | undefined): HeadersReading {
  const headers = new Map<string, { name: string; value: string }>();
  const warnings: string[] = [];
  if (raw === undefined) return { headers, warnings };
  raw.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const separator = entry.indexOf('=');
    const name = (separator === -1 ? entry : entry.slice(0, separator)).trim();
    const checked = checkEntry(name, separator === -1 ? undefined : entry.slice(separator + 1).trim());
    if ('problem' in checked) {
      // Without an "=", the entry may be a bare credential: it is named by its position only.
      const shown = separator === -1 ? '' : describeName(name);
      warnings.push(`${variable}: entry ${index + 1}${shown} ${checked.problem}; that header is not sent, the other entries are.`);
      return;
    }
    headers.set(name.toLowerCase(), { name, value: checked.value });
  });
  return { headers, warnings };
}

/** The entry's decoded value, or why it cannot be sent. */
function checkEntry(name: string, encodedValue: string | undefined): { value: string } | { problem: string } {
  if (name === '') return { problem: 'has no name (expected key=value)' };
  if (!isToken(name)) return { problem: 'has a name that is not an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~ only)' };
  if (encodedValue === undefined) return { problem: 'has no value (expected key=value)' };
  if (EXPORTER_OWNED.has(name.toLowerCase())) return { problem: 'names a header the exporter sets itself' };
  const value = percentDecode(encodedValue);
  if (value === undefined) return { problem: 'has a value with a malformed percent-escape (a % must start %XX, and the bytes must be UTF-8)' };
  if (!isWellFormedText(value) || !isFieldValue(wireFieldValue(value))) {
    return { problem: 'has a value with a line break or another control character, which HTTP header values cannot hold' };
  }
  return { value };
}

/** The name, when it is one a warning may show: a token is never a credential with spaces in it. */
function describeName(name: string): string {
  return isToken(name) && name.length <= MAX_SHOWN_NAME_LENGTH ? ` ("${name}")` : '';
}

/** The generic variable's headers with the signal's own on top, names compared case-insensitively. */
export function mergeHeaders(generic: HeaderSet, signal: HeaderSet): Readonly<Record<string, string>> {
  const merged = new Map([...generic, ...signal]);
  return Object.freeze(Object.fromEntries([...merged.values()].map(({ name, value }) => [name, value])));
}
