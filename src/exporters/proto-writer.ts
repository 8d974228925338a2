/**
 * A protobuf writer for the OTLP encoder: one growable buffer, nested messages written in place
 * (a one-byte length is reserved and the body moved only when it outgrows it), strings and hex
 * ids written straight into the buffer, so encoding allocates nothing per field.
 */
export class ProtoWriter {
  private buffer: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** The bytes written, as a view of the writer's buffer (the writer is not reused after). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }

  /** Copies bytes another writer already wrote (an encoded span), without a view object. */
  rawFrom(source: ProtoWriter, start: number, end: number): void {
    this.ensure(end - start);
    this.pos += source.buffer.copy(this.buffer, this.pos, start, end);
  }

  /** Bytes the buffer holds before it must grow. */
  get capacity(): number {
    return this.buffer.length;
  }

  /** Moves the bytes from `start` on to the front, for a writer that is reused. */
  dropFront(start: number): void {
    this.buffer.copyWithin(0, start, this.pos);
    this.pos -= start;
  }

  tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** A uint32 varint. */
  varint(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buffer[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[this.pos++] = v;
  }

  /** An int64 varint from an integer number (negative ones in two's complement, 10 bytes). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) return this.varint(value);
    this.ensure(10);
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = (magnitude / 0x100000000) >>> 0;
    if (value < 0) {
      low = ~low >>> 0;
      high = ~high >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      this.buffer[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buffer[this.pos++] = low;
  }

  // Bytes are set one by one: Buffer's writeUInt32LE validates its arguments through helpers
  // that allocate on every call.
  fixed32(value: number): void {
    this.ensure(4);
    this.uint32(value >>> 0);
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.uint32(low >>> 0);
    this.uint32(high >>> 0);
  }

  double(value: number): void {
    this.ensure(8);
    DOUBLE_SCRATCH[0] = value;
    this.buffer.set(DOUBLE_BYTES, this.pos);
    this.pos += 8;
  }

  string(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length);
    this.ensure(length);
    this.pos += utf8Write(this.buffer, value, this.pos, length);
  }

  bytes(value: Uint8Array): void {
    this.varint(value.byteLength);
    this.raw(value);
  }

  /** Bytes already encoded (a cached resource or scope message). */
  raw(value: Uint8Array): void {
    this.ensure(value.byteLength);
    this.buffer.set(value, this.pos);
    this.pos += value.byteLength;
  }

  /** A bytes field from a hex string (trace and span ids), without an intermediate array. */
  hexBytes(hex: string): void {
    const length = hex.length >>> 1;
    this.varint(length);
    this.ensure(length);
    const written = hexWrite(this.buffer, hex, this.pos, length);
    // Not hex (never for ids the SDK made): the field keeps its length, zero-filled.
    if (written < length) this.buffer.fill(0, this.pos + written, this.pos + length);
    this.pos += length;
  }

  /** Reserves the length of a nested message; returns where it starts. */
  beginMessage(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the nested message's length, moving its body when the length needs more than one byte. */
  endMessage(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buffer[start] = length;
      return;
    }
    const lengthBytes = varintSize(length);
    this.ensure(lengthBytes - 1);
    this.buffer.copyWithin(start + lengthBytes, start + 1, this.pos);
    this.pos += lengthBytes - 1;
    let v = length;
    let at = start;
    while (v > 0x7f) {
      this.buffer[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[at] = v;
  }

  private uint32(value: number): void {
    this.buffer[this.pos++] = value & 0xff;
    this.buffer[this.pos++] = (value >>> 8) & 0xff;
    this.buffer[this.pos++] = (value >>> 16) & 0xff;
    this.buffer[this.pos++] = value >>> 24;
  }

  private ensure(size: number): void {
    if (this.pos + size <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.pos + size) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }
}

/**
 * Buffer's own native string writers, which Buffer.write calls after validating its arguments
 * (through helpers that allocate on every call). Strings and ids are written natively rather
 * than in JavaScript loops: a loop over every character made this writer the first function V8
 * optimized with TurboFan in a hello-world function, and starting TurboFan raised the process's
 * peak RSS by about 6 MB within 200 invocations. Present in every Node.js version Lambda runs;
 * Buffer.write is the fallback.
 */
interface NativeWrites {
  utf8Write(value: string, offset: number, length: number): number;
  hexWrite(value: string, offset: number, length: number): number;
}
type StringWriter = (buffer: Buffer, value: string, offset: number, length: number) => number;
const NATIVE_WRITES =
  typeof (Buffer.prototype as Partial<NativeWrites>).utf8Write === 'function' && typeof (Buffer.prototype as Partial<NativeWrites>).hexWrite === 'function';
const utf8Write: StringWriter = NATIVE_WRITES
  ? (buffer, value, offset, length) => (buffer as unknown as NativeWrites).utf8Write(value, offset, length)
  : (buffer, value, offset, length) => buffer.write(value, offset, length, 'utf8');
const hexWrite: StringWriter = NATIVE_WRITES
  ? (buffer, value, offset, length) => (buffer as unknown as NativeWrites).hexWrite(value, offset, length)
  : (buffer, value, offset, length) => buffer.write(value, offset, length, 'hex');

// Little-endian on every platform Lambda runs (x86_64 and arm64).
const DOUBLE_SCRATCH = new Float64Array(1);
const DOUBLE_BYTES = new Uint8Array(DOUBLE_SCRATCH.buffer);

function varintSize(value: number): number {
  let size = 1;
  for (let v = value >>> 7; v > 0; v >>>= 7) size++;
  return size;
}

