import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import fc from 'fast-check';
import { PlainHttpClient, chunkedBodyComplete, requestHead } from '../../../src/http/plain-http-client.ts';

const openServers: { server: Server | ReturnType<typeof createTcpServer>; sockets: Set<Socket> }[] = [];

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  openServers.push({ server, sockets });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

// Servers end with every connection they accepted, kept-alive ones included.
afterEach(async () => {
  for (const { server, sockets } of openServers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

const request = (port: number, body = 'payload') => ({
  host: '127.0.0.1',
  port,
  path: '/v1/traces',
  headers: { 'Content-Type': 'application/x-protobuf', 'X-Api-Key': 'k' },
  body: Buffer.from(body),
  timeoutMs: 2000,
});

describe('PlainHttpClient', () => {
  it('posts the body with its headers and reuses the connection', async () => {
    const received: { body: string; apiKey: string | undefined; socket: unknown }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString(), apiKey: req.headers['x-api-key'] as string | undefined, socket: req.socket });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end(Buffer.from([1, 2, 3]));
      });
    });
    const port = await listen(server);
    const client = new PlainHttpClient();

    const first = await client.request(request(port, 'one'));
    const second = await client.request(request(port, 'two'));

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(received.map((entry) => [entry.body, entry.apiKey])).toEqual([
      ['one', 'k'],
      ['two', 'k'],
    ]);
    expect(received[0]?.socket).toBe(received[1]?.socket);
  });

  it('posts small and large bodies intact (large ones are written without being copied)', async () => {
    const received: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-length': '0' }).end();
      });
    });
    const port = await listen(server);
    const client = new PlainHttpClient();
    const small = Buffer.from('ünïcode-free small body');
    const large = Buffer.alloc(200 * 1024, 7);

    await client.request({ ...request(port), body: small });
    await client.request({ ...request(port), body: large });

    expect(received.map((body) => body.length)).toEqual([small.length, large.length]);
    expect(received[0]!.equals(small) && received[1]!.equals(large)).toBe(true);
  });

  it('sends the first request on a connection opened ahead of it', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
    });
    server.on('connection', () => connections++);
    const port = await listen(server);
    const client = new PlainHttpClient();

    client.preconnect('127.0.0.1', port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const connectionsBeforeRequest = connections;
    const response = await client.request(request(port));

    expect([connectionsBeforeRequest, connections, response.status]).toEqual([1, 1, 200]);
  });

  it('never throws from a connection opened ahead, even to an impossible port', () => {
    expect(() => new PlainHttpClient().preconnect('127.0.0.1', -1)).not.toThrow();
  });

  it('connects as usual when the connection opened ahead failed', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
    });
    const client = new PlainHttpClient();
    const port = await listen(server);

    client.preconnect('127.0.0.1', 1); // nothing listens on port 1
    const response = await client.request(request(port));

    expect(response.status).toBe(200);
  });

  it('reads chunked and close-delimited bodies, and reports status and headers', async () => {
    let mode = 'chunked';
    const server = createTcpServer((socket: Socket) => {
      socket.once('data', () => {
        if (mode === 'chunked') socket.write('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
        else socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome body');
      });
    });
    const port = await listen(server);
    const client = new PlainHttpClient();

    const chunked = await client.request(request(port));
    mode = 'close';
    const closed = await client.request(request(port));

    expect(chunked.status).toBe(503);
    expect(chunked.headers['retry-after']).toBe('2');
    expect(chunked.body.toString()).toBe('abc');
    expect(closed.status).toBe(200);
    expect(closed.body.toString()).toBe('some body');
  });

  it('sends again on a new connection when a kept-alive one was closed while idle', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket: Socket) => {
      sockets.push(socket);
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    });
    const port = await listen(server);
    const client = new PlainHttpClient();
    await client.request(request(port));
    sockets[0]?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const again = await client.request(request(port));

    expect(again.status).toBe(200);
    expect(sockets).toHaveLength(2);
  });

  it('gives up at the timeout when the server never answers', async () => {
    const server = createTcpServer(() => undefined);
    const port = await listen(server);

    await expect(new PlainHttpClient().request({ ...request(port), timeoutMs: 100 })).rejects.toThrow('no answer within 100 ms');
  });

  it('ends a request at once with the reason when its signal aborts, and closes the connection', async () => {
    const closed: boolean[] = [];
    const server = createTcpServer((socket) => socket.resume().on('close', () => closed.push(true)));
    const port = await listen(server);
    const controller = new AbortController();

    const pending = new PlainHttpClient().request({ ...request(port), timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('made room')), 50);

    await expect(pending).rejects.toThrow('made room');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toEqual([true]);
  });

  it('rejects without connecting when the signal has already aborted', async () => {
    let connections = 0;
    const server = createTcpServer(() => connections++);
    const port = await listen(server);

    await expect(new PlainHttpClient().request({ ...request(port), signal: AbortSignal.abort() })).rejects.toThrow();
    expect(connections).toBe(0);
  });

  it('rejects when nothing listens', async () => {
    const server = createTcpServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    await new Promise((resolve) => server.close(resolve));

    await expect(new PlainHttpClient().request(request(port))).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('PlainHttpClient GET', () => {
  it('sends a GET without a body and returns the response body', async () => {
    const seen: { method?: string; length?: string }[] = [];
    const server = createServer((req, res) => {
      seen.push({ method: req.method, length: req.headers['content-length'] });
      res.writeHead(200, { 'content-type': 'application/json', 'lambda-extension-identifier': 'id-1' });
      res.end(JSON.stringify({ eventType: 'INVOKE' }));
    });
    const port = await listen(server);

    const response = await new PlainHttpClient().request({ method: 'GET', host: '127.0.0.1', port, path: '/next', headers: {}, timeoutMs: 0, unref: true });

    expect(JSON.parse(response.body.toString())).toEqual({ eventType: 'INVOKE' });
    expect(response.headers['lambda-extension-identifier']).toBe('id-1');
    expect(seen).toEqual([{ method: 'GET', length: '0' }]);
  });
});

describe('chunkedBodyComplete', () => {
  it('waits for the last chunk and the final empty line', () => {
    expect(chunkedBodyComplete(Buffer.from('3\r\nabc\r\n'))).toBe(false);
    expect(chunkedBodyComplete(Buffer.from('3\r\nabc\r\n0\r\n'))).toBe(false);
    expect(chunkedBodyComplete(Buffer.from('3\r\nabc\r\n0\r\n\r\n'))).toBe(true);
    expect(chunkedBodyComplete(Buffer.from('0\r\nTrailer: x\r\n\r\n'))).toBe(true);
  });
});

describe('requestHead', () => {
  const base = { host: '127.0.0.1', port: 4318, path: '/v1/traces', headers: {}, timeoutMs: 1000 };

  it.each([
    ['a header value with CR LF', { headers: { 'x-tenant': 'a\r\nX-Injected: 1' } }],
    ['a header value with a NUL', { headers: { 'x-tenant': 'a\u0000b' } }],
    ['a header name with a space', { headers: { 'x tenant': 'a' } }],
    ['a header name with a colon', { headers: { 'x-tenant:': 'a' } }],
    ['a path with a line break', { path: '/v1/traces\r\nX-Injected: 1' }],
    ['a path with a space', { path: '/v1/tra ces' }],
    ['a host with a line break', { host: 'collector\r\nX-Injected: 1' }],
    ['a path that is not absolute', { path: 'v1/traces' }],
  ])('refuses %s', (_label, change) => {
    expect(() => requestHead({ ...base, ...change }, 0)).toThrow(/refusing to send a malformed HTTP/);
  });

  it('refuses a request that would be malformed, and writes nothing for it', async () => {
    let connections = 0;
    const server = createTcpServer(() => connections++);
    const port = await listen(server);
    const client = new PlainHttpClient();

    await expect(client.request({ ...request(port), headers: { 'x-tenant': 'a\r\nX-Injected: 1' } })).rejects.toThrow(/malformed HTTP header \(x-tenant/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections).toBe(0);
  });

  it('brackets an IPv6 host in the Host header', () => {
    expect(requestHead({ ...base, host: '::1' }, 0)).toContain('Host: [::1]:4318\r\n');
  });

  it('for any headers: either refuses, or writes exactly one line per header and one empty line at the end', () => {
    const anyHeaders = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 4 });
    fc.assert(
      fc.property(anyHeaders, fc.string({ unit: 'binary', maxLength: 20 }), (headers, path) => {
        let head: string;
        try {
          head = requestHead({ ...base, headers, path: `/${path}` }, 3);
        } catch {
          return;
        }
        const lines = head.split('\r\n');
        expect(lines).toHaveLength(3 + Object.keys(headers).length + 1 + 2);
        expect(head.endsWith('\r\n\r\n')).toBe(true);
        // No line break other than the line ends, and no NUL.
        expect(head).not.toMatch(/\r(?!\n)|(?<!\r)\n|\0/);
      }),
      { numRuns: 1000 },
    );
  });
});
