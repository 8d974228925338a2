/**
 * The JSON text of one top-level member of a JSON object's text, without parsing the rest: a
 * response body may be megabytes, and an HTTP trigger needs only its `statusCode`. Undefined
 * when the text is not an object, has no such member, or is malformed before reaching it.
 * Keys are compared as JSON.stringify writes them (which writes no duplicates).
 */
export function topLevelMember(json: string, key: string): string | undefined {
  const wanted = JSON.stringify(key);
  let at = skipSpace(json, 0);
  if (json.charCodeAt(at) !== OPEN_BRACE) return undefined;
  at = skipSpace(json, at + 1);
  if (json.charCodeAt(at) === CLOSE_BRACE) return undefined;
  while (at < json.length) {
    if (json.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = endOfString(json, at);
    if (keyEnd < 0) return undefined;
    const matches = keyEnd - at === wanted.length && json.startsWith(wanted, at);
    at = skipSpace(json, keyEnd);
    if (json.charCodeAt(at) !== COLON) return undefined;
    at = skipSpace(json, at + 1);
    const valueEnd = endOfValue(json, at);
    if (valueEnd < 0) return undefined;
    if (matches) return json.slice(at, valueEnd);
    at = skipSpace(json, valueEnd);
    if (json.charCodeAt(at) !== COMMA) return undefined;
    at = skipSpace(json, at + 1);
  }
  return undefined;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

function skipSpace(json: string, from: number): number {
  let at = from;
  for (;;) {
    const code = json.charCodeAt(at);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return at;
    at += 1;
  }
}

/** The index after the string that starts (with its quote) at `start`; -1 if unterminated. */
function endOfString(json: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = json.indexOf('"', from);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index after the value that starts at `start`; -1 if malformed. */
function endOfValue(json: string, start: number): number {
  const first = json.charCodeAt(start);
  if (first === QUOTE) return endOfString(json, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let at = start;
    while (at < json.length) {
      const code = json.charCodeAt(at);
      if (code === QUOTE) {
        at = endOfString(json, at);
        if (at < 0) return -1;
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth += 1;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth -= 1;
        if (depth === 0) return at + 1;
      }
      at += 1;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let at = start;
  while (at < json.length) {
    const code = json.charCodeAt(at);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) break;
    at += 1;
  }
  return at === start ? -1 : at;
}
