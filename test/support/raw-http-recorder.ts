/**
 * A TCP server that records the exact bytes of every HTTP/1.1 request it gets and checks each
 * against RFC 9112's grammar, where node:http would normalise or reject what it reads (so a
 * header injection or a malformed request could not be seen). It answers each well-formed
 * request with the status the test chooses; a malformed one gets 400 and the connection closes.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface RecordedRequest {
  /** The request line and header lines, one char per byte. */
  readonly head: string;
  readonly body: Buffer;
  /** What is wrong with the request, by the HTTP/1.1 grammar; empty when it is well-formed. */
  readonly problems: readonly string[];
  /** Header lines as sent: [name, value as bytes (latin1)]. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly path: string;
}

export interface RawHttpRecorder {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The status answered to the next well-formed requests (default 200). */
  answerWith(status: number): void;
  close(): Promise<void>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
const HEAD_END = Buffer.from('\r\n\r\n');

/** The grammar problems of one request head (without its final empty line). */
export function headProblems(head: string): { problems: string[]; headers: Array<[string, string]>; path: string } {
  const problems: string[] = [];
  if (/\r(?!\n)|(?<!\r)\n/.test(head)) problems.push('a bare CR or LF');
  if (head.includes('\0')) problems.push('a NUL');
  const [requestLine = '', ...lines] = head.split('\r\n');
  const match = REQUEST_LINE.exec(requestLine);
  if (match === null) problems.push(`a malformed request line ${JSON.stringify(requestLine.slice(0, 80))}`);
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (colon === -1 || !TOKEN.test(name)) problems.push(`a malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    else if (!FIELD_VALUE.test(value)) problems.push(`a header value with control characters (${name})`);
    headers.push([name, value]);
  }
  for (const single of ['host', 'content-length']) {
    const count = headers.filter(([name]) => name.toLowerCase() === single).length;
    if (count !== 1) problems.push(`${count} ${single} headers`);
  }
  if (headers.some(([name]) => name.toLowerCase() === 'transfer-encoding')) problems.push('a transfer-encoding header');
  return { problems, headers, path: match?.[2] ?? '' };
}

export async function startRawHttpRecorder(): Promise<RawHttpRecorder> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let status = 200;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf(HEAD_END);
        if (end === -1) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const { problems, headers, path } = headProblems(head);
        const lengths = headers.filter(([name]) => name.toLowerCase() === 'content-length').map(([, value]) => value);
        const length = lengths.length === 1 && /^\d+$/.test(lengths[0]!) ? Number(lengths[0]) : undefined;
        if (length === undefined || problems.length > 0) {
          requests.push({ head, body: buffered.subarray(end + 4), problems: problems.length > 0 ? problems : ['no usable content-length'], headers, path });
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          buffered = Buffer.alloc(0);
          return;
        }
        if (buffered.length < end + 4 + length) return;
        const body = Buffer.from(buffered.subarray(end + 4, end + 4 + length));
        buffered = buffered.subarray(end + 4 + length);
        requests.push({ head, body, problems, headers, path });
        socket.write(`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Refused'}\r\nContent-Length: 0\r\n\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerWith: (next) => {
      status = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
