/**
 * The HTTP/1.1 syntax rules a request head must keep (RFC 9110 §5.1, §5.5, §5.6.2): a field name
 * is a token; a field value is visible characters, spaces and tabs inside, and obs-text. CR, LF
 * and NUL are never allowed: one of them in a name or value ends the line early and starts
 * another, which is how a header is injected into a request.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, SP, HTAB and 0x80–0xFF (obs-text; the wire form of UTF-8 text, see wireFieldValue).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// A request target in origin form, a host, a method: no controls, no spaces, nothing above ASCII.
const REQUEST_LINE_PART = /^[\x21-\x7e]+$/;

export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** A field value as it goes on the wire (one char per byte), without leading or trailing whitespace. */
export function isFieldValue(wire: string): boolean {
  return FIELD_VALUE.test(wire) && !/^[\t ]|[\t ]$/.test(wire);
}

export function isRequestLinePart(text: string): boolean {
  return REQUEST_LINE_PART.test(text);
}

/**
 * A header value holding any Unicode text, as the bytes of its UTF-8 encoding, one char per byte:
 * what a `latin1` write (the layer's client, node:http) puts on the wire. Without it `é` would go
 * out as the single byte 0xE9 and anything above U+00FF would be cut to its low byte.
 */
export function wireFieldValue(value: string): string {
  return /^[\x00-\x7f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}
