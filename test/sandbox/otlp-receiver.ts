/**
 * An OTLP/HTTP receiver on 127.0.0.1 that records every export request and decodes spans
 * (protobuf and JSON, optionally gzip-compressed), per https://opentelemetry.io/docs/specs/otlp/#otlphttp.
 * A responder hook lets failure tests make it answer 429/500/503, answer late, or never answer.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { nowMs, readBody } from './http-io.ts';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpJson } from './otlp-json-decoder.ts';
import { decodeOtlpProtobuf } from './otlp-protobuf-decoder.ts';
import type { Attributes, DecodedExport, DecodedSpan } from './otlp-types.ts';
import { sleep } from './with-timeout.ts';

export interface OtlpRequest {
  /** Epoch ms with sub-ms precision (performance.timeOrigin + performance.now()). */
  receivedAt: number;
  path: string;
  contentType: string;
  headers: IncomingHttpHeaders;
  /** The body after Content-Encoding was undone. */
  body: Buffer;
  spans: DecodedSpan[];
  resources: Attributes[];
  /** Set when the body could not be decoded; the default answer is then 400. */
  decodeError?: string;
}

/** How to answer one request; every field is optional (default: 200 with an empty response). */
export interface ResponderAction {
  status?: number;
  delayMs?: number;
  /** Hold the request open until the receiver closes (an unreachable/hung collector). */
  neverAnswer?: boolean;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export type Responder = (request: OtlpRequest) => ResponderAction | Promise<ResponderAction>;

export interface OtlpReceiverOptions {
  /** 0 (default) picks an ephemeral port; 4318 mimics a collector on its default port. */
  port?: number;
  responder?: Responder;
}

export interface OtlpReceiver {
  /** e.g. http://127.0.0.1:43121 — set OTEL_EXPORTER_OTLP_ENDPOINT to this. */
  url: string;
  port: number;
  /** Every request received, in arrival order (including failed ones). */
  requests: OtlpRequest[];
  /** All spans received so far, in arrival order. */
  spans(): DecodedSpan[];
  /**
   * Resolves with all spans once `count` spans arrived or `predicate(allSpans)` holds;
   * rejects after `timeoutMs` (default 10 s) listing what did arrive.
   */
  waitForSpans(until: number | ((spans: DecodedSpan[]) => boolean), timeoutMs?: number): Promise<DecodedSpan[]>;
  clear(): void;
  /** The most connections that were open at once since the receiver started. */
  peakOpenConnections(): number;
  /** Replaces the responder; `undefined` restores the default. */
  setResponder(responder: Responder | undefined): void;
  close(): Promise<void>;
}

const SIGNALS = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' } as const;

function decode(body: Buffer, contentType: string, signal: 'traces' | 'metrics' | 'logs'): DecodedExport {
  if (contentType.startsWith('application/x-protobuf')) return decodeOtlpProtobuf(body, signal);
  if (contentType.startsWith('application/json')) return decodeOtlpJson(body.toString('utf8'), signal);
  throw new Error(`unsupported content-type '${contentType}'`);
}

/** Builds the record; decoding failures are recorded, not thrown. */
function toRecord(req: IncomingMessage, raw: Buffer, receivedAt: number): OtlpRequest {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  const record: OtlpRequest = { receivedAt, path, contentType, headers: req.headers, body: raw, spans: [], resources: [] };
  try {
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'gzip') record.body = gunzipSync(raw);
    else if (encoding !== 'identity') throw new Error(`unsupported content-encoding '${encoding}'`);
    const signal = SIGNALS[path as keyof typeof SIGNALS];
    if (signal === undefined) throw new Error(`unknown path '${path}'`);
    const decoded = decode(record.body, contentType, signal);
    record.spans = decoded.spans;
    record.resources = decoded.resources;
  } catch (err) {
    record.decodeError = err instanceof Error ? err.message : String(err);
  }
  return record;
}

/** An empty Export*ServiceResponse: zero bytes in protobuf, `{}` in JSON. */
function defaultAction(record: OtlpRequest): ResponderAction {
  if (record.decodeError !== undefined) return { status: 400, body: record.decodeError };
  return { status: 200 };
}

function spanNames(spans: DecodedSpan[]): string {
  return spans.length === 0 ? 'none' : spans.map((s) => s.name).join(', ');
}

/**
 * Starts the receiver.
 * @example const otlp = await startOtlpReceiver(); env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;
 */
export async function startOtlpReceiver(opts: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const sockets = new Set<Socket>();
  const checks = new Set<() => void>();
  let responder: Responder | undefined = opts.responder;
  let peakOpenConnections = 0;

  const allSpans = (): DecodedSpan[] => requests.flatMap((r) => r.spans);

  async function answer(record: OtlpRequest, res: ServerResponse): Promise<void> {
    const action = responder ? await responder(record) : defaultAction(record);
    if (action.neverAnswer) return;
    if (action.delayMs) await sleep(action.delayMs);
    const isJson = record.contentType.startsWith('application/json');
    const body = action.body ?? (isJson ? '{}' : Buffer.alloc(0));
    res.writeHead(action.status ?? 200, {
      'content-type': isJson ? 'application/json' : 'application/x-protobuf',
      ...action.headers,
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    const receivedAt = nowMs();
    readBody(req)
      .then((raw) => {
        const record = toRecord(req, raw, receivedAt);
        requests.push(record);
        for (const check of [...checks]) check();
        return answer(record, res);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    peakOpenConnections = Math.max(peakOpenConnections, sockets.size);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    spans: allSpans,
    waitForSpans(until, timeoutMs = 10_000) {
      const done = typeof until === 'number' ? (s: DecodedSpan[]) => s.length >= until : until;
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const spans = allSpans();
          if (!done(spans)) return;
          cleanup();
          resolve(spans);
        };
        const timer = setTimeout(() => {
          cleanup();
          const what = typeof until === 'number' ? `${until} spans` : 'the expected spans';
          reject(new Error(`OTLP receiver: waited ${timeoutMs} ms for ${what}; got ${requests.length} requests, spans: ${spanNames(allSpans())}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          checks.delete(check);
        };
        checks.add(check);
        check();
      });
    },
    clear() {
      requests.length = 0;
    },
    peakOpenConnections: () => peakOpenConnections,
    setResponder(fn) {
      responder = fn;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Held (never-answered) requests and keep-alive sockets would keep close() waiting forever.
        for (const s of sockets) s.destroy();
      });
    },
  };
}
