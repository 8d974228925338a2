/**
 * A minimal MongoDB server on 127.0.0.1 (MongoDB is not in Debian): the wire protocol's OP_MSG
 * (and the legacy OP_QUERY handshake) with the commands a driver needs to connect, insert and
 * find: hello/isMaster, ping, insert, find, endSessions. Documents live in memory.
 * Wire format: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/;
 * BSON: https://bsonspec.org/spec.html (only the types a driver sends for these commands).
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface MongoWireStub {
  readonly url: string;
  /** Command names in the order they arrived (`insert`, `find`, …). */
  readonly commands: string[];
  close(): Promise<void>;
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MORE_TO_COME = 2;

/** An int64 value (BSON type 0x12), as the cursor id must be. */
class Int64 {
  readonly value: bigint;
  constructor(value: bigint) {
    this.value = value;
  }
}

type BsonValue = number | string | boolean | null | Date | Int64 | Buffer | BsonValue[] | { [key: string]: BsonValue };
type BsonDocument = { [key: string]: BsonValue };

export async function startMongoWireStub(): Promise<MongoWireStub> {
  const commands: string[] = [];
  const collections = new Map<string, BsonDocument[]>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
        const length = buffered.readInt32LE(0);
        const reply = answer(buffered.subarray(0, length), commands, collections);
        buffered = buffered.subarray(length);
        if (reply !== undefined) socket.write(reply);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    commands,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(message: Buffer, commands: string[], collections: Map<string, BsonDocument[]>): Buffer | undefined {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) {
    // flags, full collection name (cstring), skip, return count, then the query document.
    const nameEnd = message.indexOf(0, 20);
    const query = decodeDocument(message, nameEnd + 9);
    return opReply(requestId, run(query, commands, collections));
  }
  if (opCode !== OP_MSG) return undefined;
  const flags = message.readUInt32LE(16);
  const body = readSections(message);
  const reply = run(body, commands, collections);
  return (flags & MORE_TO_COME) !== 0 ? undefined : opMsg(requestId, reply);
}

/** The body section, with every document sequence (kind 1) added as an array under its identifier. */
function readSections(message: Buffer): BsonDocument {
  let body: BsonDocument = {};
  const sequences: Array<[string, BsonDocument[]]> = [];
  let offset = 20;
  // A checksum (flag bit 0) would take the last four bytes; drivers do not send one unasked.
  while (offset < message.length) {
    const kind = message[offset]!;
    offset += 1;
    if (kind === 0) {
      body = decodeDocument(message, offset);
      offset += message.readInt32LE(offset);
    } else {
      const size = message.readInt32LE(offset);
      const end = offset + size;
      const idEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, idEnd);
      const documents: BsonDocument[] = [];
      for (let at = idEnd + 1; at < end; at += message.readInt32LE(at)) documents.push(decodeDocument(message, at));
      sequences.push([identifier, documents]);
      offset = end;
    }
  }
  for (const [identifier, documents] of sequences) body[identifier] = documents;
  return body;
}

function run(command: BsonDocument, commands: string[], collections: Map<string, BsonDocument[]>): BsonDocument {
  const name = Object.keys(command)[0] ?? '';
  commands.push(name);
  const namespace = `${String(command['$db'] ?? 'test')}.${String(command[name])}`;
  switch (name.toLowerCase()) {
    case 'hello':
    case 'ismaster':
      return {
        helloOk: true,
        ismaster: true,
        isWritablePrimary: true,
        maxBsonObjectSize: 16 * 1024 * 1024,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId: 1,
        minWireVersion: 0,
        maxWireVersion: 21,
        readOnly: false,
        ok: 1,
      };
    case 'insert': {
      const documents = (command['documents'] as BsonDocument[] | undefined) ?? [];
      collections.set(namespace, [...(collections.get(namespace) ?? []), ...documents]);
      return { n: documents.length, ok: 1 };
    }
    case 'find': {
      const filter = (command['filter'] as BsonDocument | undefined) ?? {};
      const found = (collections.get(namespace) ?? []).filter((document) => Object.entries(filter).every(([key, value]) => document[key] === value));
      return { cursor: { firstBatch: found, id: new Int64(0n), ns: namespace }, ok: 1 };
    }
    default:
      return { ok: 1 };
  }
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(0, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

function opMsg(responseTo: number, reply: BsonDocument): Buffer {
  const document = encodeDocument(reply);
  const flags = Buffer.alloc(5); // flag bits 0, then section kind 0
  return Buffer.concat([header(16 + flags.length + document.length, responseTo, OP_MSG), flags, document]);
}

function opReply(responseTo: number, reply: BsonDocument): Buffer {
  const document = encodeDocument(reply);
  const fields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + fields.length + document.length, responseTo, OP_REPLY), fields, document]);
}

function decodeDocument(buffer: Buffer, start: number): BsonDocument {
  const end = start + buffer.readInt32LE(start) - 1;
  const document: BsonDocument = {};
  let offset = start + 4;
  while (offset < end) {
    const type = buffer[offset]!;
    const nameEnd = buffer.indexOf(0, offset + 1);
    const name = buffer.toString('utf8', offset + 1, nameEnd);
    offset = nameEnd + 1;
    const [value, size] = decodeValue(buffer, type, offset);
    document[name] = value;
    offset += size;
  }
  return document;
}

function decodeValue(buffer: Buffer, type: number, at: number): [BsonValue, number] {
  switch (type) {
    case 0x01:
      return [buffer.readDoubleLE(at), 8];
    case 0x02: {
      const length = buffer.readInt32LE(at);
      return [buffer.toString('utf8', at + 4, at + 4 + length - 1), 4 + length];
    }
    case 0x03:
      return [decodeDocument(buffer, at), buffer.readInt32LE(at)];
    case 0x04:
      return [Object.values(decodeDocument(buffer, at)), buffer.readInt32LE(at)];
    case 0x05: {
      const length = buffer.readInt32LE(at);
      return [Buffer.from(buffer.subarray(at + 5, at + 5 + length)), 5 + length];
    }
    case 0x07:
      return [Buffer.from(buffer.subarray(at, at + 12)), 12];
    case 0x08:
      return [buffer[at] === 1, 1];
    case 0x09:
      return [new Date(Number(buffer.readBigInt64LE(at))), 8];
    case 0x0a:
      return [null, 0];
    case 0x10:
      return [buffer.readInt32LE(at), 4];
    case 0x11:
    case 0x12:
      return [new Int64(buffer.readBigInt64LE(at)), 8];
    case 0x13:
      return [Buffer.from(buffer.subarray(at, at + 16)), 16];
    default:
      throw new Error(`mongo stub: BSON type 0x${type.toString(16)} not supported`);
  }
}

function encodeDocument(document: BsonDocument | BsonValue[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(document)) {
    const [type, bytes] = encodeValue(value as BsonValue);
    parts.push(Buffer.from([type]), Buffer.from(`${name}\0`, 'utf8'), bytes);
  }
  const body = Buffer.concat(parts);
  const length = Buffer.alloc(4);
  length.writeInt32LE(4 + body.length + 1);
  return Buffer.concat([length, body, Buffer.from([0])]);
}

function encodeValue(value: BsonValue): [number, Buffer] {
  if (value === null) return [0x0a, Buffer.alloc(0)];
  if (typeof value === 'boolean') return [0x08, Buffer.from([value ? 1 : 0])];
  if (typeof value === 'string') {
    const text = Buffer.from(`${value}\0`, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32LE(text.length);
    return [0x02, Buffer.concat([length, text])];
  }
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 4 : 8);
    if (bytes.length === 4) bytes.writeInt32LE(value);
    else bytes.writeDoubleLE(value);
    return [bytes.length === 4 ? 0x10 : 0x01, bytes];
  }
  if (value instanceof Int64 || value instanceof Date) {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(value instanceof Int64 ? value.value : BigInt(value.getTime()));
    return [value instanceof Int64 ? 0x12 : 0x09, bytes];
  }
  if (Buffer.isBuffer(value)) {
    // Stored documents keep their ObjectId (12 bytes, decoded as a Buffer); anything else is binary.
    if (value.length === 12) return [0x07, value];
    const head = Buffer.alloc(5);
    head.writeInt32LE(value.length);
    return [0x05, Buffer.concat([head, value])];
  }
  return [Array.isArray(value) ? 0x04 : 0x03, encodeDocument(value)];
}
