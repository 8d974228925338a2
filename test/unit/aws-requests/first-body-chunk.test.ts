import fc from 'fast-check';
import { ClientRequest, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onFirstBodyChunk } from '../../../src/aws-requests/first-body-chunk.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => response.end(Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function echoed(request: ClientRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
    });
    request.on('error', reject);
  });
}

const chunk = fc.oneof(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 1 }).map((bytes) => Buffer.from(bytes)));

it('sees the first chunk once, and the server receives every byte as written', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(chunk, { maxLength: 5 }), fc.option(chunk, { nil: undefined }), async (writes, last) => {
      const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/' });
      const seen: unknown[] = [];
      onFirstBodyChunk(request, (first) => seen.push(first));
      const response = echoed(request);

      for (const piece of writes) request.write(piece);
      if (last === undefined) request.end();
      else request.end(last);

      const body = await response;
      const written = [...writes, ...(last === undefined ? [] : [last])];
      const expectedFirst = written[0];
      return (
        body.equals(Buffer.concat(written.map((piece) => Buffer.from(piece)))) &&
        seen.length === (expectedFirst === undefined ? 0 : 1) &&
        seen[0] === expectedFirst &&
        !Object.hasOwn(request, 'write') &&
        !Object.hasOwn(request, 'end')
      );
    }),
    { numRuns: 60 },
  );
});

it('passes end(callback) through untouched', async () => {
  const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/' });
  const seen: unknown[] = [];
  onFirstBodyChunk(request, (first) => seen.push(first));
  const response = echoed(request);

  const ended = await new Promise<boolean>((resolve) => request.end(() => resolve(true)));

  expect([ended, seen, (await response).length]).toEqual([true, [], 0]);
});

it('keeps a wrapper someone else put on after it', async () => {
  const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/' });
  onFirstBodyChunk(request, () => undefined);
  const watching = request.end;
  const theirs = function (this: ClientRequest, ...args: unknown[]): unknown {
    return Reflect.apply(watching, this, args);
  } as ClientRequest['end'];
  request.end = theirs;
  const response = echoed(request);

  request.end('hello');

  expect((await response).toString()).toBe('hello');
  expect(request.end).toBe(theirs);
});
