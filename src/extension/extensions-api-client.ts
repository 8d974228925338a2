import { PlainHttpClient } from '../http/plain-http-client.ts';

const API_VERSION = '2020-01-01';
const REGISTER_TIMEOUT_MS = 2000;

export interface ExtensionEvent {
  readonly eventType: 'INVOKE' | 'SHUTDOWN';
  readonly requestId?: string;
  readonly deadlineMs?: number;
  readonly shutdownReason?: string;
}

/**
 * A minimal client of the Lambda Extensions API
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html) for the layer's
 * internal extension, over the layer's small HTTP client: registering happens during init and
 * every event arrives while an invocation runs, where node:http's cold start and per-request
 * cost would be paid by the function. No timeout on event/next: it is a long poll that
 * legitimately waits across freezes; it is unref'd so that a pending poll never keeps the event
 * loop alive (Node 22's runtime completes callback handlers only on an empty event loop).
 * Registration is not unref'd: it runs while the preload is awaited, when nothing else holds
 * the event loop and Node would simply exit.
 */
export class ExtensionsApiClient {
  private identifier: string | undefined;
  private readonly host: string;
  private readonly port: number;
  private readonly http = new PlainHttpClient();

  constructor(runtimeApi: string) {
    const [host = '127.0.0.1', port = '80'] = runtimeApi.split(':');
    this.host = host;
    this.port = Number(port);
  }

  async register(name: string, events: readonly ExtensionEvent['eventType'][]): Promise<void> {
    const response = await this.call('POST', 'register', { 'Lambda-Extension-Name': name, 'Content-Type': 'application/json' }, REGISTER_TIMEOUT_MS, false, JSON.stringify({ events }));
    const identifier = response.headers['lambda-extension-identifier'];
    if (identifier === undefined) throw new Error('the Extensions API returned no Lambda-Extension-Identifier');
    this.identifier = identifier;
  }

  async nextEvent(): Promise<ExtensionEvent> {
    if (this.identifier === undefined) throw new Error('the extension is not registered');
    const response = await this.call('GET', 'event/next', { 'Lambda-Extension-Identifier': this.identifier }, 0, true);
    return JSON.parse(response.body.toString('utf8')) as ExtensionEvent;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    timeoutMs: number,
    unref: boolean,
    body?: string,
  ): Promise<{ headers: Readonly<Record<string, string>>; body: Buffer }> {
    const response = await this.http.request({
      method,
      host: this.host,
      port: this.port,
      path: `/${API_VERSION}/extension/${path}`,
      headers,
      ...(body === undefined ? {} : { body: Buffer.from(body) }),
      timeoutMs,
      unref,
    });
    if (response.status >= 300) throw new Error(`Extensions API ${path} answered ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`);
    return response;
  }
}
