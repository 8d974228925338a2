import type { IncomingHttpHeaders } from 'node:http';
import { nodeRequire } from '../node-require.ts';

const API_VERSION = '2020-01-01';

export interface ExtensionEvent {
  readonly eventType: 'INVOKE' | 'SHUTDOWN';
  readonly requestId?: string;
  readonly deadlineMs?: number;
  readonly shutdownReason?: string;
}

/**
 * A minimal client of the Lambda Extensions API
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html), for the layer's
 * internal extension. No agent (no pooled keep-alive socket to go stale across freezes), and no
 * timeout on event/next: it is a long poll that legitimately waits across freezes. Its socket is
 * unref'd so that a pending poll never keeps the event loop alive, which would stop the Node 22
 * runtime from completing callback handlers that wait for an empty event loop.
 */
export class ExtensionsApiClient {
  private identifier: string | undefined;
  private readonly runtimeApi: string;

  constructor(runtimeApi: string) {
    this.runtimeApi = runtimeApi;
  }

  async register(name: string, events: readonly ExtensionEvent['eventType'][]): Promise<void> {
    const { headers } = await this.call('POST', 'register', { 'Lambda-Extension-Name': name }, JSON.stringify({ events }));
    const identifier = headers['lambda-extension-identifier'];
    if (typeof identifier !== 'string') throw new Error('the Extensions API returned no Lambda-Extension-Identifier');
    this.identifier = identifier;
  }

  async nextEvent(): Promise<ExtensionEvent> {
    const { body } = await this.call('GET', 'event/next', this.identified(), undefined, true);
    return JSON.parse(body) as ExtensionEvent;
  }

  private identified(): Record<string, string> {
    if (this.identifier === undefined) throw new Error('the extension is not registered');
    return { 'Lambda-Extension-Identifier': this.identifier };
  }

  /**
   * `unref` only for the long poll: registration runs while the preload is awaited, when the
   * runtime has nothing else in the event loop yet, and an unref'd socket there lets Node exit.
   */
  private call(method: string, path: string, headers: Record<string, string>, body?: string, unref = false): Promise<{ headers: IncomingHttpHeaders; body: string }> {
    const [hostname, port] = this.runtimeApi.split(':');
    const { request } = nodeRequire('node:http') as typeof import('node:http');
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { method, hostname, port, path: `/${API_VERSION}/extension/${path}`, headers: { ...headers, 'Content-Type': 'application/json' }, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((response.statusCode ?? 0) >= 300) reject(new Error(`Extensions API ${path} answered ${response.statusCode}: ${text.slice(0, 200)}`));
            else resolve({ headers: response.headers, body: text });
          });
          response.on('error', reject);
        },
      );
      if (unref) outgoing.on('socket', (socket) => socket.unref());
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
