import type { Agent, IncomingMessage } from 'node:http';
import { nodeRequire } from '../node-require.ts';

export interface OtlpRequestOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly gzip: boolean;
  readonly timeoutMs: number;
}

export type PostOutcome = { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number; error: Error };

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const agents = new Map<string, Agent>();

/**
 * One OTLP/HTTP POST (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response).
 * http/https/zlib are required on first use only. Connections are kept alive between
 * invocations (the TCP and TLS handshakes would otherwise be paid on every flush); Node unrefs
 * idle kept-alive sockets, so they never hold the event loop open.
 */
export function postOtlp(options: OtlpRequestOptions, body: Uint8Array): Promise<PostOutcome> {
  const secure = options.url.protocol === 'https:';
  const http = nodeRequire(secure ? 'node:https' : 'node:http') as typeof import('node:https');
  const payload = options.gzip ? (nodeRequire('node:zlib') as typeof import('node:zlib')).gzipSync(body) : body;
  const headers: Record<string, string> = {
    ...options.headers,
    'Content-Type': options.contentType,
    'Content-Length': String(payload.byteLength),
    ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
  };
  return new Promise((resolve) => {
    const request = http.request(
      { method: 'POST', hostname: options.url.hostname, port: options.url.port, path: `${options.url.pathname}${options.url.search}`, headers, agent: agentFor(options.url.protocol, http) },
      (response) => settle(response, resolve),
    );
    request.setTimeout(options.timeoutMs, () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => resolve({ ok: false, retryable: true, error }));
    request.end(payload);
  });
}

function settle(response: IncomingMessage, resolve: (outcome: PostOutcome) => void): void {
  const status = response.statusCode ?? 0;
  // The body is read (and dropped) so the connection can be reused.
  response.resume();
  response.on('end', () => {
    if (status >= 200 && status < 300) return resolve({ ok: true });
    const retryAfterSeconds = Number(response.headers['retry-after']);
    resolve({
      ok: false,
      retryable: RETRYABLE_STATUS.has(status),
      ...(Number.isFinite(retryAfterSeconds) ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
      error: new Error(`the OTLP endpoint answered ${status}`),
    });
  });
  response.on('error', (error) => resolve({ ok: false, retryable: true, error }));
}

function agentFor(protocol: string, http: typeof import('node:https')): Agent {
  let agent = agents.get(protocol);
  if (agent === undefined) {
    agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    agents.set(protocol, agent);
  }
  return agent;
}
