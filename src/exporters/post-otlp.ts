import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Agent, IncomingMessage } from 'node:http';
import { nodeRequire } from '../node-require.ts';
import { wireFieldValue } from '../http/field-syntax.ts';
import { PlainHttpClient, type PlainHttpResponse } from '../http/plain-http-client.ts';
import { EXPORT_USER_AGENT } from '../version.ts';

export interface OtlpRequestOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly gzip: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export type PostOutcome = { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number; error: Error };

/** The endpoint answered, and not with success: its status tells why (see observed-exporter.ts). */
export class OtlpHttpStatusError extends Error {
  readonly status: number;

  constructor(status: number) {
    super(`the OTLP endpoint answered ${status}`);
    this.name = 'OtlpHttpStatusError';
    this.status = status;
  }
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const plainHttp = new PlainHttpClient();
let httpsAgent: Agent | undefined;

/**
 * One OTLP/HTTP POST (https://opentelemetry.io/docs/specs/otlp/#otlphttp-response): plain http
 * (the collector layer on localhost) through a minimal client, https through node:https;
 * connections are kept alive between invocations either way, idle ones never hold the event
 * loop. zlib and https are required on first use only.
 */
export async function postOtlp(options: OtlpRequestOptions, body: Uint8Array): Promise<PostOutcome> {
  const payload = options.gzip ? (nodeRequire('node:zlib') as typeof import('node:zlib')).gzipSync(body) : body;
  const headers = requestHeaders(options);
  try {
    const response = options.url.protocol === 'https:' ? await postHttps(options, headers, payload) : await postPlain(options, headers, payload);
    return outcomeOf(response);
  } catch (error) {
    return { ok: false, retryable: options.signal?.aborted !== true, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The user's headers (validated in config/otlp-headers.ts, names never clashing with these) as
 * their UTF-8 bytes, then the exporter's own. A User-Agent the user set wins over the layer's.
 */
function requestHeaders(options: OtlpRequestOptions): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': EXPORT_USER_AGENT };
  for (const [name, value] of Object.entries(options.headers)) {
    if (name.toLowerCase() === 'user-agent') delete headers['User-Agent'];
    headers[name] = wireFieldValue(value);
  }
  headers['Content-Type'] = options.contentType;
  if (options.gzip) headers['Content-Encoding'] = 'gzip';
  return headers;
}

/** Connects to a plain-http endpoint ahead of the first export (see PlainHttpClient.preconnect). */
export function preconnectOtlp(url: URL): void {
  if (url.protocol === 'http:') plainHttp.preconnect(hostOf(url), url.port === '' ? 80 : Number(url.port));
}

function postPlain(options: OtlpRequestOptions, headers: Record<string, string>, body: Uint8Array): Promise<PlainHttpResponse> {
  const { url } = options;
  return plainHttp.request({
    host: hostOf(url),
    port: url.port === '' ? 80 : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers,
    body,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
}

function postHttps(options: OtlpRequestOptions, headers: Record<string, string>, body: Uint8Array): Promise<PlainHttpResponse> {
  const https = nodeRequire('node:https') as typeof import('node:https');
  httpsAgent ??= new https.Agent({ keepAlive: true, maxSockets: 8 });
  const { url } = options;
  // The https instrumentation must not trace the layer's own exports.
  return context.with(suppressTracing(context.active()), () => new Promise<PlainHttpResponse>((resolve, reject) => {
    const request = https.request(
      { method: 'POST', hostname: hostOf(url), port: url.port, path: `${url.pathname}${url.search}`, headers: { ...headers, 'Content-Length': String(body.byteLength) }, agent: httpsAgent, signal: options.signal },
      (response: IncomingMessage) => {
        // The body is read (and dropped) so the connection can be reused.
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: flatten(response.headers), body: Buffer.alloc(0) }));
        response.on('error', reject);
      },
    );
    request.setTimeout(options.timeoutMs, () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  }));
}

/** The host to connect to: an IPv6 address without the brackets the URL puts around it. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function outcomeOf(response: PlainHttpResponse): PostOutcome {
  if (response.status >= 200 && response.status < 300) return { ok: true };
  const retryAfterSeconds = Number(response.headers['retry-after']);
  return {
    ok: false,
    retryable: RETRYABLE_STATUS.has(response.status),
    ...(Number.isFinite(retryAfterSeconds) ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
    error: new OtlpHttpStatusError(response.status),
  };
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}
