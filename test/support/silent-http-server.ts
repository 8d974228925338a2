import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SilentHttpServer {
  readonly url: string;
  readonly received: IncomingMessage[];
  close(): Promise<void>;
}

/** Accepts requests and never answers them: what a hung dependency looks like. */
export async function startSilentHttpServer(): Promise<SilentHttpServer> {
  const received: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request) => received.push(request));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/never`,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
