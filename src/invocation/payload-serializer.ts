import { nodeRequire } from '../node-require.ts';
import { isAllowedHeader } from '../triggers/http-headers.ts';

/**
 * Key fragments that mark a value as secret, compared with keys lower-cased and stripped of
 * everything but letters and digits (so `api_key`, `X-Api-Key` and `apiKey` all read `apikey`).
 */
export const DEFAULT_REDACTED_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'credential',
  'private',
  'session',
  'signature',
  'accesskey',
  'creditcard',
  'cardnumber',
  'cvv',
];

export const REDACTED = '[REDACTED]';
const TRUNCATED = '[truncated]';
/** The most a truncation marker takes: `,"…":"[truncated]"`. */
const MARKER_ROOM = 20;
const HEADER_CONTAINERS: ReadonlySet<string> = new Set(['headers', 'multivalueheaders']);
const QUERY_STRINGS: ReadonlySet<string> = new Set(['rawquerystring', 'querystring']);

export interface PayloadLimits {
  /** Levels of nesting written; a deeper object or array becomes `"[Object]"` / `"[Array]"`. */
  readonly maxDepth: number;
  /** The most characters of JSON written; what does not fit ends in a truncation marker. */
  readonly maxLength: number;
  /** Key fragments redacted on top of DEFAULT_REDACTED_KEYS. */
  readonly redactKeys: readonly string[];
}

export interface SerializedPayload {
  /** Valid JSON, at most `maxLength` characters. */
  readonly text: string;
  readonly truncated: boolean;
  /** Values looked at: never more than about `maxLength`, however large the payload. */
  readonly visited: number;
}

interface NodeTypes {
  isProxy(value: unknown): boolean;
  isDate(value: unknown): boolean;
  isBoxedPrimitive(value: unknown): boolean;
  isNumberObject(value: unknown): boolean;
  isStringObject(value: unknown): boolean;
  isBooleanObject(value: unknown): boolean;
  isAnyArrayBuffer(value: unknown): boolean;
  isArrayBufferView(value: unknown): boolean;
}

let nodeTypes: NodeTypes | undefined;

/**
 * The one place that decides what of a payload may be recorded. Writes `value` as JSON the way
 * the runtime client's JSON.stringify would see it, except that it never runs the function's
 * code: getters are not called (`"[Getter]"`), `toJSON` is not called (`"[toJSON]"`, but Dates
 * as ISO strings through the built-in), proxies are not looked into (`"[Proxy]"`), and binary
 * data is only described. Keys that look like secrets get `"[REDACTED]"`; a `headers` or
 * `multiValueHeaders` map keeps only the headers the triggers may read (./triggers/http-headers.ts);
 * query strings lose the values of secret-looking parameters; a string holding JSON is written as
 * the JSON it holds, so that its keys are redacted too. Cycles become `"[Circular]"`.
 *
 * Bounded: every value looked at costs budget, so the work and the output stay within about
 * `maxLength` whatever the payload's size; what does not fit ends in a truncation marker and the
 * text stays valid JSON. Never throws.
 */
export function serializePayload(value: unknown, limits: PayloadLimits): SerializedPayload | undefined {
  nodeTypes ??= (nodeRequire('node:util') as { types: NodeTypes }).types;
  const writer = new BoundedJsonWriter(limits, nodeTypes, compileRedaction(limits.redactKeys));
  try {
    if (!writer.writeTop(value)) return undefined;
  } catch {
    // Only a bug could get here; the payload is then not recorded at all.
    return undefined;
  }
  return writer.result();
}

/** `(key) => true` for keys that look like secrets. */
export function compileRedaction(extraKeys: readonly string[]): (key: string) => boolean {
  const fragments = [...DEFAULT_REDACTED_KEYS, ...extraKeys.map(normalizeKey).filter((fragment) => fragment !== '')];
  return (key) => {
    const normalized = normalizeKey(key);
    return fragments.some((fragment) => normalized.includes(fragment));
  };
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

type Container = 'object' | 'array';

class BoundedJsonWriter {
  private readonly parts: string[] = [];
  private length = 0;
  /** Room kept for the closing brackets of open containers. */
  private open = 0;
  private visits = 0;
  private full = false;
  /** The truncation marker is written once, by the innermost container. */
  private marked = false;
  private readonly ancestors = new Set<object>();
  private readonly limits: PayloadLimits;
  private readonly types: NodeTypes;
  private readonly isSecretKey: (key: string) => boolean;

  constructor(limits: PayloadLimits, types: NodeTypes, isSecretKey: (key: string) => boolean) {
    this.limits = limits;
    this.types = types;
    this.isSecretKey = isSecretKey;
  }

  /** False when the value has no JSON form (undefined, a function, a symbol). */
  writeTop(value: unknown): boolean {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return false;
    this.writeValue(value, 0);
    return true;
  }

  result(): SerializedPayload {
    const text = this.parts.length === 0 ? JSON.stringify(TRUNCATED) : this.parts.join('');
    return { text, truncated: this.full, visited: this.visits };
  }

  /** Appends `piece` if it fits; otherwise marks the writer full. */
  private append(piece: string): boolean {
    if (this.full) return false;
    if (this.length + piece.length + this.open + MARKER_ROOM > this.limits.maxLength) {
      this.full = true;
      return false;
    }
    this.parts.push(piece);
    this.length += piece.length;
    return true;
  }

  /** Writes past the budget: only the markers and closers the budget kept room for. */
  private appendReserved(piece: string): void {
    this.parts.push(piece);
    this.length += piece.length;
  }

  /**
   * Writes `prefix` (a separator, a key) and then a value; if the budget ran out before the value
   * wrote anything, the prefix goes too, so the JSON stays valid.
   */
  private writeAfter(prefix: string, write: () => void): boolean {
    const mark = this.parts.length;
    const markLength = this.length;
    if (!this.append(prefix)) return false;
    write();
    if (this.full && this.parts.length === mark + 1) {
      this.parts.length = mark;
      this.length = markLength;
      return false;
    }
    return true;
  }

  private writeValue(value: unknown, depth: number): void {
    if (this.full) return;
    if (++this.visits > this.limits.maxLength) {
      this.full = true;
      return;
    }
    switch (typeof value) {
      case 'string':
        this.writeString(value, depth);
        return;
      case 'number':
        this.append(Number.isFinite(value) ? String(value) : 'null');
        return;
      case 'boolean':
        this.append(value ? 'true' : 'false');
        return;
      case 'bigint':
        this.append('"[BigInt]"');
        return;
      case 'object':
        if (value === null) this.append('null');
        else this.writeObject(value, depth);
        return;
      default:
        // undefined, functions and symbols, where JSON writes null (arrays, the top level).
        this.append('null');
    }
  }

  private writeString(value: string, depth: number): void {
    const parsed = this.parseEmbeddedJson(value);
    if (parsed !== undefined) {
      this.writeValue(parsed.value, depth);
      return;
    }
    const room = this.limits.maxLength - this.length - this.open - MARKER_ROOM;
    // Its JSON form is at least two longer than the string: only one that may fit is written whole.
    const whole = value.length + 2 <= room ? JSON.stringify(value) : undefined;
    if (whole !== undefined && whole.length <= room) {
      this.append(whole);
      return;
    }
    // Escapes can make the JSON form up to six times as long as the string: cut until it fits.
    let kept = Math.min(value.length, Math.max(0, room - 3));
    let json = JSON.stringify(`${value.slice(0, kept)}…`);
    while (json.length > room && kept > 0) {
      kept = Math.floor(kept / 2);
      json = JSON.stringify(`${value.slice(0, kept)}…`);
    }
    this.full = true;
    if (json.length > room) return;
    this.appendReserved(json);
    this.marked = true;
  }

  /** A string that holds a JSON object or array (an HTTP body, an SNS message), parsed. */
  private parseEmbeddedJson(value: string): { value: unknown } | undefined {
    if (value.length < 2 || value.length > this.limits.maxLength) return undefined;
    const first = value.charCodeAt(0);
    if (first !== 0x7b && first !== 0x5b) return undefined;
    try {
      return { value: JSON.parse(value) as unknown };
    } catch {
      return undefined;
    }
  }

  private writeObject(value: object, depth: number): void {
    const types = this.types;
    if (types.isProxy(value)) {
      this.append('"[Proxy]"');
      return;
    }
    if (this.ancestors.has(value)) {
      this.append('"[Circular]"');
      return;
    }
    if (types.isBoxedPrimitive(value)) {
      this.writeBoxed(value, depth);
      return;
    }
    if (types.isAnyArrayBuffer(value) || types.isArrayBufferView(value)) {
      const bytes = (value as { byteLength?: unknown }).byteLength;
      this.append(JSON.stringify(`[binary ${typeof bytes === 'number' ? bytes : '?'} bytes]`));
      return;
    }
    const toJson = findToJson(value);
    if (toJson === Date.prototype.toJSON && types.isDate(value)) {
      const time = Date.prototype.getTime.call(value as Date);
      this.append(Number.isNaN(time) ? 'null' : JSON.stringify(Date.prototype.toISOString.call(value as Date)));
      return;
    }
    if (toJson !== undefined) {
      this.append('"[toJSON]"');
      return;
    }
    const isArray = Array.isArray(value);
    if (depth >= this.limits.maxDepth) {
      this.append(isArray ? '"[Array]"' : '"[Object]"');
      return;
    }
    this.ancestors.add(value);
    if (isArray) this.writeArray(value as unknown[], depth);
    else this.writeEntries(value, depth, undefined);
    this.ancestors.delete(value);
  }

  private writeBoxed(value: object, depth: number): void {
    // The built-ins' own valueOf, never one the function defined.
    const types = this.types;
    if (types.isNumberObject(value)) this.writeValue(Number.prototype.valueOf.call(value), depth);
    else if (types.isStringObject(value)) this.writeValue(String.prototype.valueOf.call(value), depth);
    else if (types.isBooleanObject(value)) this.writeValue(Boolean.prototype.valueOf.call(value), depth);
    else this.append('"[boxed]"');
  }

  private openContainer(kind: Container): boolean {
    if (!this.append(kind === 'array' ? '[' : '{')) return false;
    this.open++;
    return true;
  }

  private closeContainer(kind: Container, entries: number): void {
    if (this.full && !this.marked) {
      this.marked = true;
      const separator = entries > 0 ? ',' : '';
      this.appendReserved(kind === 'array' ? `${separator}"${TRUNCATED}"` : `${separator}"…":"${TRUNCATED}"`);
    }
    this.open--;
    this.appendReserved(kind === 'array' ? ']' : '}');
  }

  private writeArray(array: readonly unknown[], depth: number): void {
    if (!this.openContainer('array')) return;
    const length = array.length;
    let written = 0;
    for (let index = 0; index < length && !this.full; index++) {
      const descriptor = Object.getOwnPropertyDescriptor(array, index);
      const wrote = this.writeAfter(written > 0 ? ',' : '', () => {
        if (descriptor === undefined) this.writeValue(null, depth + 1);
        else if (descriptor.get !== undefined || descriptor.set !== undefined) this.writeValue('[Getter]', depth + 1);
        else this.writeValue(descriptor.value, depth + 1);
      });
      if (wrote) written++;
    }
    this.closeContainer('array', written);
  }

  /** `keep` filters the keys (the header allowlist); secret-looking keys are redacted. */
  private writeEntries(value: object, depth: number, keep: ((key: string) => boolean) | undefined): void {
    if (!this.openContainer('object')) return;
    let written = 0;
    for (const key of Object.keys(value)) {
      if (this.full) break;
      if (++this.visits > this.limits.maxLength) {
        this.full = true;
        break;
      }
      if (keep !== undefined && !keep(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      const isAccessor = descriptor.get !== undefined || descriptor.set !== undefined;
      const entry: unknown = descriptor.value;
      // JSON leaves these keys out.
      if (!isAccessor && (entry === undefined || typeof entry === 'function' || typeof entry === 'symbol')) continue;
      const wrote = this.writeAfter(`${written > 0 ? ',' : ''}${JSON.stringify(key)}:`, () => {
        if (isAccessor) this.writeValue('[Getter]', depth + 1);
        else this.writeEntry(key, entry, depth + 1);
      });
      if (wrote) written++;
    }
    this.closeContainer('object', written);
  }

  private writeEntry(key: string, entry: unknown, depth: number): void {
    const normalized = normalizeKey(key);
    if (HEADER_CONTAINERS.has(normalized)) {
      this.writeHeaders(entry, depth);
      return;
    }
    if (this.isSecretKey(key)) {
      this.append(JSON.stringify(REDACTED));
      return;
    }
    if (QUERY_STRINGS.has(normalized) && typeof entry === 'string') {
      this.writeValue(this.redactQueryString(entry), depth);
      return;
    }
    this.writeValue(entry, depth);
  }

  /** Only allowlisted headers, from a map (API Gateway, ALB) or a list of maps (Kafka records). */
  private writeHeaders(headers: unknown, depth: number): void {
    if (typeof headers !== 'object' || headers === null || this.types.isProxy(headers)) {
      this.append(headers === null ? 'null' : JSON.stringify(REDACTED));
      return;
    }
    if (depth >= this.limits.maxDepth) {
      this.append(Array.isArray(headers) ? '"[Array]"' : '"[Object]"');
      return;
    }
    if (!Array.isArray(headers)) {
      this.writeEntries(headers, depth, isAllowedHeader);
      return;
    }
    if (!this.openContainer('array')) return;
    let written = 0;
    for (let index = 0; index < headers.length && !this.full; index++) {
      if (++this.visits > this.limits.maxLength) {
        this.full = true;
        break;
      }
      const item: unknown = Object.getOwnPropertyDescriptor(headers, index)?.value;
      const wrote = this.writeAfter(written > 0 ? ',' : '', () => {
        if (typeof item === 'object' && item !== null && !Array.isArray(item) && !this.types.isProxy(item) && depth + 1 < this.limits.maxDepth) {
          this.writeEntries(item, depth + 1, isAllowedHeader);
        } else {
          this.append(JSON.stringify(REDACTED));
        }
      });
      if (wrote) written++;
    }
    this.closeContainer('array', written);
  }

  /** `a=1&token=x` → `a=1&token=[REDACTED]`. */
  private redactQueryString(query: string): string {
    return query
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        const name = equals < 0 ? pair : pair.slice(0, equals);
        return equals >= 0 && this.isSecretKey(safeDecode(name)) ? `${name}=${REDACTED}` : pair;
      })
      .join('&');
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The `toJSON` JSON.stringify would call (a function, or a getter it would run to find one),
 * found without running any of the function's code; undefined when there is none to call.
 */
function findToJson(value: object): unknown {
  let current: object | null = value;
  // Prototype chains are short; the bound only guards against the absurd.
  for (let hops = 0; current !== null && hops < 64; hops++) {
    const descriptor = Object.getOwnPropertyDescriptor(current, 'toJSON');
    if (descriptor !== undefined) {
      if (descriptor.get !== undefined || descriptor.set !== undefined) return descriptor.get ?? descriptor.set;
      return typeof descriptor.value === 'function' ? descriptor.value : undefined;
    }
    current = Object.getPrototypeOf(current) as object | null;
  }
  return undefined;
}
