import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttpServer {
  readonly url: string;
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** What a stub answers to one request. */
export interface StubAnswer {
  readonly status: number;
  readonly body?: unknown;
}

/** A downstream service on 127.0.0.1 that answers every request with a fixed JSON body. */
export function startLocalHttpServer(body: unknown = { inStock: true }): Promise<LocalHttpServer> {
  return startServer(() => ({ status: 200, body }));
}

/**
 * A downstream service on 127.0.0.1 that answers `METHOD /path` (query string ignored) from a
 * table, and 404 to anything else, as a real service does for an unknown resource.
 */
export function startRoutedHttpServer(routes: Record<string, StubAnswer>): Promise<LocalHttpServer> {
  return startServer((request) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    return routes[`${request.method ?? ''} ${path}`] ?? { status: 404, body: { message: 'not found' } };
  });
}

async function startServer(answer: (request: IncomingMessage) => StubAnswer): Promise<LocalHttpServer> {
  const requests: LocalHttpServer['requests'] = [];
  const server = createServer((request, response: ServerResponse) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    request.resume();
    request.on('end', () => {
      const { status, body } = answer(request);
      response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
