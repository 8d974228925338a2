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

  // Bytes are set one by one: Buffer's writeUInt32LE and write() validate their arguments
  // through helpers that allocate on every call.
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
    const length = value.length;
    let ascii = true;
    for (let index = 0; index < length; index++) {
      if (value.charCodeAt(index) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      const start = this.beginMessage();
      this.ensure(length * 3);
      this.pos += this.buffer.write(value, this.pos, 'utf8');
      this.endMessage(start);
      return;
    }
    this.varint(length);
    this.ensure(length);
    for (let index = 0; index < length; index++) this.buffer[this.pos++] = value.charCodeAt(index);
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
    for (let index = 0; index < length; index++) {
      this.buffer[this.pos++] = (hexValue(hex.charCodeAt(2 * index)) << 4) | hexValue(hex.charCodeAt(2 * index + 1));
    }
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

// Little-endian on every platform Lambda runs (x86_64 and arm64).
const DOUBLE_SCRATCH = new Float64Array(1);
const DOUBLE_BYTES = new Uint8Array(DOUBLE_SCRATCH.buffer);

function varintSize(value: number): number {
  let size = 1;
  for (let v = value >>> 7; v > 0; v >>>= 7) size++;
  return size;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return code - 55; // A-F
}
