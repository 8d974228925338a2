/**
 * Percent-decoding as the OpenTelemetry specification asks of OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS values (W3C Baggage value encoding): `%XX` escapes are bytes of
 * UTF-8. Undefined when an escape is malformed (`%ZZ`, a lone `%`) or the bytes are not UTF-8.
 */
export function percentDecode(encoded: string): string | undefined {
  if (!encoded.includes('%')) return encoded;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False for a string no UTF-8 encoding can carry as it is (a lone surrogate). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
