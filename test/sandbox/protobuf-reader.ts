/**
 * A minimal protobuf wire-format reader (https://protobuf.dev/programming-guides/encoding/).
 * It only splits a message into its fields; the OTLP decoders give them meaning.
 * Hand-written so that the receiver checks the layer's bytes independently of the
 * protobufjs code the exporter itself uses.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export type ProtoField =
  | { no: number; wire: typeof WIRE_VARINT; value: bigint }
  | { no: number; wire: typeof WIRE_I64; value: Uint8Array }
  | { no: number; wire: typeof WIRE_LEN; value: Uint8Array }
  | { no: number; wire: typeof WIRE_I32; value: Uint8Array };

function readVarint(buf: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let pos = start;
  for (;;) {
    if (pos >= buf.length) throw new Error(`protobuf: truncated varint at ${start}`);
    const byte = buf[pos++] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: pos };
    shift += 7n;
    if (shift > 63n) throw new Error(`protobuf: varint too long at ${start}`);
  }
}

function take(buf: Uint8Array, pos: number, length: number): Uint8Array {
  if (pos + length > buf.length) throw new Error(`protobuf: field of ${length} bytes overruns message at ${pos}`);
  return buf.subarray(pos, pos + length);
}

/** Splits one message into its fields, in wire order (repeated fields appear repeatedly). */
export function readFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tag = readVarint(buf, pos);
    pos = tag.next;
    const no = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    switch (wire) {
      case WIRE_VARINT: {
        const v = readVarint(buf, pos);
        pos = v.next;
        fields.push({ no, wire, value: v.value });
        break;
      }
      case WIRE_I64:
        fields.push({ no, wire, value: take(buf, pos, 8) });
        pos += 8;
        break;
      case WIRE_LEN: {
        const len = readVarint(buf, pos);
        pos = len.next;
        const value = take(buf, pos, Number(len.value));
        pos += value.length;
        fields.push({ no, wire, value });
        break;
      }
      case WIRE_I32:
        fields.push({ no, wire, value: take(buf, pos, 4) });
        pos += 4;
        break;
      default:
        throw new Error(`protobuf: unsupported wire type ${wire} for field ${no} at ${pos}`);
    }
  }
  return fields;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function asString(f: ProtoField): string {
  return f.wire === WIRE_LEN ? Buffer.from(f.value).toString('utf8') : '';
}

export function asBytes(f: ProtoField): Uint8Array {
  return f.wire === WIRE_LEN ? f.value : new Uint8Array();
}

export function asHex(f: ProtoField): string {
  return Buffer.from(asBytes(f)).toString('hex');
}

/** uint32/enum/bool varints. */
export function asUint(f: ProtoField): number {
  return f.wire === WIRE_VARINT ? Number(BigInt.asUintN(32, f.value)) : 0;
}

/** int64 varints are two's complement over 64 bits. */
export function asInt64(f: ProtoField): bigint {
  return f.wire === WIRE_VARINT ? BigInt.asIntN(64, f.value) : 0n;
}

export function asFixed64(f: ProtoField): bigint {
  return f.wire === WIRE_I64 ? view(f.value).getBigUint64(0, true) : 0n;
}

export function asFixed32(f: ProtoField): number {
  return f.wire === WIRE_I32 ? view(f.value).getUint32(0, true) : 0;
}

export function asDouble(f: ProtoField): number {
  return f.wire === WIRE_I64 ? view(f.value).getFloat64(0, true) : 0;
}
