import type { Socket } from 'node:net';
import { nodeRequire } from '../node-require.ts';
import { isFieldValue, isRequestLinePart, isToken } from './field-syntax.ts';

export interface PlainHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface PlainHttpRequest {
  /** Default POST. */
  readonly method?: 'GET' | 'POST';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** 0: wait as long as it takes (a long poll). */
  readonly timeoutMs: number;
  /**
   * The pending request does not keep the event loop alive (a long poll that may wait across
   * freezes must not hold Node 22's callback handlers, which complete on an empty event loop).
   */
  readonly unref?: boolean;
  /** Aborting ends the request at once with the signal's reason; the connection is closed. */
  readonly signal?: AbortSignal;
}

const MAX_IDLE_SOCKETS = 4;
const MAX_COPIED_BODY_BYTES = 64 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A minimal HTTP/1.1 client for the plain-http endpoints the layer talks to on the invocation's
 * path: OTLP to the collector layer on localhost, and Lambda's Extensions API. One request, the
 * status, headers and body back, the connection kept alive.
 *
 * Why not node:http: on the invocation's path its generality costs. Measured on Node 24, a
 * process's first POST to a local server takes about 11 ms through http.request and 6 ms over a
 * socket, later ones 1.2 ms against 0.5 ms; in sync flush mode the caller waits for exactly
 * that. https endpoints still go through node:https (see post-otlp.ts).
 */
export class PlainHttpClient {
  private readonly idle: Socket[] = [];

  request(request: PlainHttpRequest): Promise<PlainHttpResponse> {
    if (request.signal?.aborted === true) return Promise.reject(abortError(request.signal));
    let head: string;
    try {
      head = requestHead(request, request.body?.byteLength ?? 0);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const reused = this.idle.pop();
    if (reused === undefined) return this.send(this.connect(request), request, head, false);
    // A kept-alive socket may have been closed by the server while idle (or while the sandbox
    // was frozen): if it fails before any answer, the request is sent again on a new one.
    return this.send(reused, request, head, true).catch((error: unknown) => {
      if ((error as { beforeResponse?: boolean }).beforeResponse !== true) throw error;
      return this.send(this.connect(request), request, head, false);
    });
  }

  /**
   * Opens a connection ahead of the first request, so that request does not wait for the
   * handshake: called at the end of init, the connection completes while the runtime loads the
   * handler. It never holds the event loop; if it fails, the first request connects itself.
   */
  preconnect(host: string, port: number): void {
    if (this.idle.length > 0) return;
    let socket: Socket;
    try {
      socket = this.connect({ host, port });
    } catch {
      // Best effort only: the first request connects (and reports any error) itself.
      return;
    }
    socket.unref();
    socket.once('connect', () => {
      if (this.idle.length < MAX_IDLE_SOCKETS) this.idle.push(socket);
      else socket.destroy();
    });
  }

  private connect(request: Pick<PlainHttpRequest, 'host' | 'port'>): Socket {
    const net = nodeRequire('node:net') as typeof import('node:net');
    const socket = net.connect(request.port, request.host);
    socket.setNoDelay(true);
    // For the socket's whole life, once: an idle socket that errors or closes leaves the pool.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.forget(socket));
    return socket;
  }

  private send(socket: Socket, request: PlainHttpRequest, head: string, reused: boolean): Promise<PlainHttpResponse> {
    if (request.unref === true) socket.unref();
    else socket.ref();
    return new Promise((resolve, reject) => {
      const reader = new ResponseReader();
      let settled = false;
      const finish = (outcome: { response: PlainHttpResponse; keepAlive: boolean } | { error: Error }): void => {
        if (settled) return;
        settled = true;
        request.signal?.removeEventListener('abort', onAbort);
        socket.removeListener('data', onData);
        socket.removeListener('error', onError);
        socket.removeListener('close', onClose);
        socket.setTimeout(0);
        socket.removeListener('timeout', onTimeout);
        if ('error' in outcome) {
          socket.destroy();
          reject(outcome.error);
          return;
        }
        if (outcome.keepAlive && this.idle.length < MAX_IDLE_SOCKETS) {
          // Idle sockets never keep the event loop (or a frozen sandbox's process) busy.
          socket.unref();
          this.idle.push(socket);
        } else {
          socket.destroy();
        }
        resolve(outcome.response);
      };
      const failure = (message: string): Error =>
        Object.assign(new Error(message), { beforeResponse: reused && !reader.receivedAny });
      const onData = (chunk: Buffer): void => {
        try {
          const done = reader.push(chunk);
          if (done !== undefined) finish(done);
        } catch (error) {
          finish({ error: error instanceof Error ? error : new Error(String(error)) });
        }
      };
      const onError = (error: Error): void => finish({ error: Object.assign(error, { beforeResponse: reused && !reader.receivedAny }) });
      const onClose = (): void => {
        const done = reader.end();
        finish(done ?? { error: failure('the connection closed before the response was complete') });
      };
      const onTimeout = (): void => finish({ error: failure(`no answer within ${request.timeoutMs} ms`) });
      const onAbort = (): void => finish({ error: abortError(request.signal) });
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.forget(socket);
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      if (request.timeoutMs > 0) socket.setTimeout(request.timeoutMs, onTimeout);
      const body = request.body ?? new Uint8Array(0);
      // One write of one buffer: on Lambda's microVMs every system call is dear, and a corked
      // string-plus-buffer write costs Node a writev and a string conversion besides. A large
      // body is not copied, but goes in a second write.
      if (body.byteLength > MAX_COPIED_BODY_BYTES) {
        socket.cork();
        socket.write(head, 'latin1');
        socket.write(body);
        socket.uncork();
      } else {
        const headLength = Buffer.byteLength(head, 'latin1');
        const message = Buffer.allocUnsafe(headLength + body.byteLength);
        message.write(head, 0, 'latin1');
        message.set(body, headLength);
        socket.write(message);
      }
    });
  }

  private forget(socket: Socket): void {
    const index = this.idle.indexOf(socket);
    if (index !== -1) this.idle.splice(index, 1);
  }
}

/**
 * The request line and header lines, `latin1` (one char per byte). Refuses what would make them
 * malformed, or split a line in two: configuration is validated before it gets here
 * (config/otlp-headers.ts), and this is the last line of defence should anything slip through.
 */
export function requestHead(request: PlainHttpRequest, bodyLength: number): string {
  const method = request.method ?? 'POST';
  const host = request.host.includes(':') ? `[${request.host}]` : request.host;
  if (!isToken(method) || !isRequestLinePart(request.path) || !request.path.startsWith('/') || !isRequestLinePart(host) || !Number.isInteger(request.port)) {
    throw new Error('refusing to send a malformed HTTP request line (a method, path or host with spaces, line breaks or other control characters)');
  }
  let head = `${method} ${request.path} HTTP/1.1\r\nHost: ${host}:${request.port}\r\nConnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(request.headers)) {
    if (!isToken(name) || !isFieldValue(value)) {
      throw new Error(`refusing to send a malformed HTTP header${isToken(name) ? ` (${name}: its value holds a line break or another control character)` : ' (its name is not a token)'}`);
    }
    head += `${name}: ${value}\r\n`;
  }
  return `${head}Content-Length: ${bodyLength}\r\n\r\n`;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('the request was aborted');
}

/** Reads one HTTP/1.1 response: status line, headers, then a Content-Length, chunked or close-delimited body. */
export class ResponseReader {
  receivedAny = false;
  private buffer: Buffer = Buffer.alloc(0);
  private head: ParsedHead | undefined;

  /** Returns the response once it is complete. */
  push(chunk: Buffer): { response: PlainHttpResponse; keepAlive: boolean } | undefined {
    this.receivedAny = true;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.head === undefined) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end === -1) return undefined;
      this.head = parseHead(this.buffer.subarray(0, end).toString('latin1'), end + HEADER_END.length);
    }
    return this.complete(false);
  }

  /** The connection closed: a close-delimited body is complete now, anything else is not. */
  end(): { response: PlainHttpResponse; keepAlive: boolean } | undefined {
    return this.head === undefined ? undefined : this.complete(true);
  }

  private complete(closed: boolean): { response: PlainHttpResponse; keepAlive: boolean } | undefined {
    const head = this.head;
    if (head === undefined) return undefined;
    const body = this.buffer.subarray(head.bodyStart);
    const { headers, status } = head;
    const done = (content: Buffer, keepAlive = head.keepAlive): { response: PlainHttpResponse; keepAlive: boolean } => ({
      response: { status, headers, body: content },
      keepAlive,
    });
    const length = headers['content-length'];
    if (length !== undefined) return body.length >= Number(length) ? done(body.subarray(0, Number(length))) : undefined;
    if (headers['transfer-encoding']?.toLowerCase().includes('chunked') === true) return chunkedBodyComplete(body) ? done(dechunk(body)) : undefined;
    if (status === 204 || status === 304) return done(Buffer.alloc(0));
    return closed ? done(body, false) : undefined;
  }
}

interface ParsedHead {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyStart: number;
  readonly keepAlive: boolean;
}

function parseHead(text: string, bodyStart: number): ParsedHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match === null) throw new Error(`not an HTTP/1.1 response: ${statusLine.slice(0, 40)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const connection = headers['connection']?.toLowerCase();
  const keepAlive = statusLine.startsWith('HTTP/1.1') ? connection !== 'close' : connection === 'keep-alive';
  const hasLength = headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;
  return { status: Number(match[1]), headers, bodyStart, keepAlive: keepAlive && hasLength };
}

/** The data of a complete chunked body. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset, 'latin1');
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** True once the chunked body has reached its last (zero-length) chunk and the final CRLF. */
export function chunkedBodyComplete(body: Buffer): boolean {
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset, 'latin1');
    if (lineEnd === -1) return false;
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunked response');
    // The last chunk, then optional trailers, then an empty line.
    if (size === 0) return body.indexOf(HEADER_END, lineEnd) !== -1;
    offset = lineEnd + 2 + size + 2;
    if (offset > body.length) return false;
  }
}
