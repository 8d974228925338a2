/**
 * One execution environment's Lambda Runtime API (2018-06-01) and Extensions API (2020-01-01)
 * on a single HTTP server at 127.0.0.1:<ephemeral> (what AWS_LAMBDA_RUNTIME_API points to).
 *
 * Lifecycle rules mirrored from the Lambda docs (runtimes-api, runtimes-extensions-api):
 *  - init is complete when the runtime calls /invocation/next and every registered extension
 *    waits at /event/next;
 *  - an invocation is finished when the runtime has posted its result, is back at /next, and
 *    every extension subscribed to INVOKE is back at /event/next; only then does the next one start.
 *    On Lambda Managed Instances up to AWS_LAMBDA_MAX_CONCURRENCY run at once, and one ends when its
 *    result is posted (extensions cannot subscribe to INVOKE there).
 * Status codes and error types follow the Runtime Interface Emulator (lambda/rapi/handler).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createDeferred } from './deferred.ts';
import type { Deferred } from './deferred.ts';
import { ExtensionRegistry } from './extension-registry.ts';
import type { RegisteredExtension, ShutdownEvent } from './extension-registry.ts';
import { parseFunctionError } from './function-error.ts';
import type { FunctionError } from './function-error.ts';
import { header, nowMs, readBody, sendError, sendJson } from './http-io.ts';

export interface RuntimeApiOptions {
  functionName: string;
  functionVersion?: string;
  handler: string;
  region: string;
  accountId: string;
  timeoutMs: number;
  /** Set for Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY): invocations run concurrently. */
  maxConcurrency?: number;
  /** File names in the layer's extensions/ directory: these register as external extensions. */
  externalExtensionNames?: readonly string[];
}

export interface InvocationInput {
  requestId: string;
  event: Buffer;
  traceHeader?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
}

export interface ResponseChunk {
  data: Buffer;
  /** Epoch ms when the chunk reached the server. */
  at: number;
}

/** What the runtime posted for one invocation. */
export interface RuntimeResult {
  kind: 'response' | 'error';
  /** Exact bytes posted (for a stream: every chunk, including any HttpResponseStream prelude and NUL delimiter). */
  body: Buffer;
  contentType?: string;
  streamed: boolean;
  chunks: ResponseChunk[];
  startedAt: number;
  /** When the POST body ended (the runtime is done responding). */
  completedAt: number;
  headers: IncomingHttpHeaders;
  trailers: Record<string, string>;
  error?: FunctionError;
}

export interface Invocation {
  input: InvocationInput;
  invokedFunctionArn: string;
  queuedAt: number;
  dispatchedAt?: number;
  deadlineMs?: number;
  /** Resolves when the runtime received the event. */
  dispatched: Promise<number>;
  /** Resolves when the runtime's response/error POST completed. */
  result: Promise<RuntimeResult>;
  /** Resolves with the time the invocation finished (runtime and INVOKE extensions back at next). */
  finished: Promise<number>;
  runtimeBackAt?: number;
  extensionsBackAt: Record<string, number>;
}

export interface InitFailure {
  source: 'runtime' | 'extension';
  errorType: string;
  error: FunctionError;
  at: number;
}

export interface ApiLogEntry {
  at: number;
  what: string;
}

interface InvocationState {
  pub: Invocation;
  dispatched: Deferred<number>;
  result: Deferred<RuntimeResult>;
  finished: Deferred<number>;
  posted?: RuntimeResult;
  pendingExtensions: Set<string>;
}

interface Poller {
  res: ServerResponse;
}

const RUNTIME = '/2018-06-01/runtime';
const EXTENSION = '/2020-01-01/extension';
/** Lambda's synchronous response payload limit (6 MB). */
const MAX_BUFFERED_RESPONSE = 6 * 1024 * 1024;

export class RuntimeApi {
  readonly #opts: RuntimeApiOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #registry: ExtensionRegistry;
  readonly #pollers: Poller[] = [];
  readonly #queue: InvocationState[] = [];
  readonly #active = new Map<string, InvocationState>();
  readonly #initDone = createDeferred<number>();
  readonly #initFailed = createDeferred<InitFailure>();
  readonly #externalsRegistered = createDeferred<number>();
  #runtimeCalledNext = false;
  #closed = false;
  /** Everything that happened, for debugging failed tests. */
  readonly log: ApiLogEntry[] = [];
  /** Protocol mistakes by the runtime that Lambda would not tolerate. */
  readonly violations: string[] = [];
  address = '';

  constructor(opts: RuntimeApiOptions) {
    this.#opts = opts;
    this.#registry = new ExtensionRegistry({
      externalNames: opts.externalExtensionNames ?? [],
      managedInstances: opts.maxConcurrency !== undefined,
      metadata: {
        functionName: opts.functionName,
        functionVersion: opts.functionVersion ?? '$LATEST',
        handler: opts.handler,
        accountId: opts.accountId,
      },
      onBack: (ext, requestId) => this.#extensionBack(ext, requestId),
      onChange: () => this.#progress(),
    });
    // Long polls may be parked for the whole life of the environment: no server-side timeouts.
    this.#server = createServer({ requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 }, (req, res) => {
      this.#route(req, res).catch((err: unknown) => sendError(res, 500, 'Sandbox.InternalError', String(err)));
    });
    this.#server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.address = `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    this.#progress();
    return this.address;
  }

  get invokedFunctionArn(): string {
    const { region, accountId, functionName } = this.#opts;
    return `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
  }

  /** Resolves with the time init completed. */
  get initDone(): Promise<number> {
    return this.#initDone.promise;
  }

  /** Resolves once every expected external extension has registered (Lambda starts the runtime then). */
  get externalsRegistered(): Promise<number> {
    return this.#externalsRegistered.promise;
  }

  /** Resolves if the runtime or an extension reported an init error. */
  get initFailed(): Promise<InitFailure> {
    return this.#initFailed.promise;
  }

  get isInitDone(): boolean {
    return this.#initDone.settled();
  }

  extensions(): RegisteredExtension[] {
    return this.#registry.list();
  }

  registeredExternalNames(): string[] {
    return this.#registry.registeredExternalNames();
  }

  /** Number of runtime pollers parked at /invocation/next. */
  waitingPollers(): number {
    return this.#pollers.length;
  }

  /** Queues an invocation; it is dispatched once init is done and a runtime poller is free. */
  enqueue(input: InvocationInput): Invocation {
    const dispatched = createDeferred<number>();
    const result = createDeferred<RuntimeResult>();
    const finished = createDeferred<number>();
    const state: InvocationState = {
      pub: {
        input,
        invokedFunctionArn: this.invokedFunctionArn,
        queuedAt: nowMs(),
        dispatched: dispatched.promise,
        result: result.promise,
        finished: finished.promise,
        extensionsBackAt: {},
      },
      dispatched,
      result,
      finished,
      pendingExtensions: new Set(),
    };
    this.#queue.push(state);
    this.#note(`queued ${input.requestId}`);
    this.#progress();
    return state.pub;
  }

  /** Sends SHUTDOWN to subscribed extensions; returns how many got it. */
  shutdown(shutdownReason: string, deadlineMs: number): number {
    this.#registry.closeRegistration();
    const event: ShutdownEvent = { eventType: 'SHUTDOWN', shutdownReason, deadlineMs };
    const count = this.#registry.deliverShutdown(event);
    this.#note(`shutdown (${shutdownReason}) sent to ${count} extension(s)`);
    return count;
  }

  /** Stops serving: parked long polls are cut, pending promises stay pending (callers race them). */
  close(): Promise<void> {
    this.#closed = true;
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === `${RUNTIME}/invocation/next`) return this.#runtimeNext(res);
    const invocation = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (method === 'POST' && invocation) {
      return this.#runtimeResult(decodeURIComponent(invocation[1] ?? ''), invocation[2] === 'error', req, res);
    }
    if (method === 'POST' && path === `${RUNTIME}/init/error`) return this.#runtimeInitError(req, res);
    if (method === 'POST' && path === `${EXTENSION}/register`) {
      const body = await readBody(req);
      const name = header(req, 'Lambda-Extension-Name');
      const reply = this.#registry.register(name, body, header(req, 'Lambda-Extension-Accept-Feature'));
      this.#note(`extension register ${name ?? '?'} ${body.toString()} -> ${reply.status}`);
      return sendJson(res, reply.status, reply.body, reply.headers);
    }
    if (method === 'GET' && path === `${EXTENSION}/event/next`) {
      const id = header(req, 'Lambda-Extension-Identifier');
      this.#note(`extension next ${this.#extName(id)}`);
      const reply = this.#registry.next(id, res);
      if (reply) sendJson(res, reply.status, reply.body, reply.headers);
      return;
    }
    const extError = /^\/2020-01-01\/extension\/(init|exit)\/error$/.exec(path);
    if (method === 'POST' && extError) return this.#extensionError(extError[1] as 'init' | 'exit', req, res);
    await readBody(req);
    sendError(res, 404, 'InvalidPath', `${method} ${path} is not part of the Runtime or Extensions API`);
  }

  #runtimeNext(res: ServerResponse): void {
    this.#note('runtime next');
    if (!this.#runtimeCalledNext) {
      this.#runtimeCalledNext = true;
      // Lambda closes registration once the runtime is ready for its first event.
      this.#registry.closeRegistration();
    }
    if (this.#opts.maxConcurrency === undefined) {
      for (const state of this.#active.values()) {
        if (!state.posted) {
          this.violations.push(`runtime called /next before posting a result for ${state.pub.input.requestId}`);
        } else if (state.pub.runtimeBackAt === undefined) {
          state.pub.runtimeBackAt = nowMs();
          this.#maybeFinish(state);
        }
      }
    }
    const poller: Poller = { res };
    this.#pollers.push(poller);
    res.on('close', () => {
      const i = this.#pollers.indexOf(poller);
      if (i >= 0) this.#pollers.splice(i, 1);
    });
    this.#progress();
  }

  async #runtimeResult(requestId: string, isError: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const state = this.#active.get(requestId);
    const startedAt = nowMs();
    const streamed = header(req, 'Lambda-Runtime-Function-Response-Mode')?.toLowerCase() === 'streaming';
    const chunks: ResponseChunk[] = [];
    const body = await new Promise<Buffer>((resolve, reject) => {
      req.on('data', (data: Buffer) => chunks.push({ data, at: nowMs() }));
      req.on('end', () => resolve(Buffer.concat(chunks.map((c) => c.data))));
      req.on('error', reject);
    });
    const completedAt = nowMs();
    this.#note(`runtime ${isError ? 'error' : 'response'} ${requestId} (${body.length} bytes${streamed ? ', streamed' : ''})`);
    if (!state) return sendError(res, 400, 'InvalidRequestID', `Invalid request ID: ${requestId}`);
    if (state.posted) {
      this.violations.push(`second result posted for ${requestId}`);
      return sendError(res, 403, 'InvalidStateTransition', 'State transition from ResponseSent failed for runtime');
    }
    const trailers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.trailers)) if (v !== undefined) trailers[k.toLowerCase()] = v;
    const result: RuntimeResult = {
      kind: isError ? 'error' : 'response',
      body,
      streamed,
      chunks: streamed ? chunks : [],
      startedAt,
      completedAt,
      headers: req.headers,
      trailers,
    };
    const contentType = header(req, 'Content-Type');
    if (contentType !== undefined) result.contentType = contentType;
    const errorTypeHeader = header(req, 'Lambda-Runtime-Function-Error-Type');
    if (isError) {
      result.error = parseFunctionError(body, errorTypeHeader);
    } else if (trailers['lambda-runtime-function-error-type'] !== undefined) {
      // A stream that failed midway: the error travels in trailers, its body base64-encoded.
      const raw = Buffer.from(trailers['lambda-runtime-function-error-body'] ?? '', 'base64');
      result.kind = 'error';
      result.error = parseFunctionError(raw, trailers['lambda-runtime-function-error-type']);
    } else if (!streamed && body.length > MAX_BUFFERED_RESPONSE) {
      const errorMessage = `Response payload size (${body.length} bytes) exceeded maximum allowed payload size (${MAX_BUFFERED_RESPONSE} bytes).`;
      result.kind = 'error';
      result.error = parseFunctionError(Buffer.from(JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage })));
      this.#settleResult(state, result);
      return sendError(res, 413, 'Function.ResponseSizeTooLarge', errorMessage);
    }
    this.#settleResult(state, result);
    sendJson(res, 202, { status: 'OK' });
  }

  #settleResult(state: InvocationState, result: RuntimeResult): void {
    state.posted = result;
    state.result.resolve(result);
    this.#maybeFinish(state);
  }

  async #runtimeInitError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const typeHeader = header(req, 'Lambda-Runtime-Function-Error-Type');
    this.#note(`runtime init error ${typeHeader ?? ''}`);
    if (this.#initDone.settled()) {
      return sendError(res, 403, 'InvalidStateTransition', 'State transition from Ready to InitError failed for runtime');
    }
    const error = parseFunctionError(raw, typeHeader);
    this.#initFailed.resolve({ source: 'runtime', errorType: typeHeader ?? error.errorType, error, at: nowMs() });
    sendJson(res, 202, { status: 'OK' });
  }

  async #extensionError(kind: 'init' | 'exit', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const id = header(req, 'Lambda-Extension-Identifier');
    const errorType = header(req, 'Lambda-Extension-Function-Error-Type');
    this.#note(`extension ${kind} error ${this.#extName(id)} ${errorType ?? ''}`);
    const reply = this.#registry.reportError(id, kind, errorType, raw);
    if (reply.status === 202 && kind === 'init' && !this.#initDone.settled()) {
      const error = parseFunctionError(raw, errorType);
      error.errorType = errorType ?? error.errorType;
      this.#initFailed.resolve({ source: 'extension', errorType: error.errorType, error, at: nowMs() });
    }
    sendJson(res, reply.status, reply.body, reply.headers);
  }

  #extensionBack(ext: RegisteredExtension, requestId: string): void {
    const state = this.#active.get(requestId);
    if (!state) return;
    state.pub.extensionsBackAt[ext.name] = nowMs();
    state.pendingExtensions.delete(ext.id);
    this.#maybeFinish(state);
  }

  /** Removes a dead extension from every pending invocation (its process exited). */
  forgetExtension(name: string): void {
    for (const state of this.#active.values()) {
      for (const ext of this.#registry.list()) if (ext.name === name) state.pendingExtensions.delete(ext.id);
      this.#maybeFinish(state);
    }
  }

  #maybeFinish(state: InvocationState): void {
    // Managed Instances workers keep polling /next while invocations run (ric v4 re-polls right after
    // receiving an event), so there "back at /next" carries no meaning: the posted result ends the runtime's part.
    const runtimeDone = state.pub.runtimeBackAt !== undefined || this.#opts.maxConcurrency !== undefined;
    if (!state.posted || !runtimeDone || state.pendingExtensions.size > 0) return;
    if (state.finished.settled()) return;
    const at = nowMs();
    this.#active.delete(state.pub.input.requestId);
    this.#note(`finished ${state.pub.input.requestId}`);
    state.finished.resolve(at);
    this.#progress();
  }

  /** Completes init and dispatches queued invocations whenever the state allows. */
  #progress(): void {
    if (this.#closed) return;
    if (!this.#externalsRegistered.settled()) {
      const registered = this.#registry.registeredExternalNames();
      if ((this.#opts.externalExtensionNames ?? []).every((n) => registered.includes(n))) {
        this.#externalsRegistered.resolve(nowMs());
      }
    }
    if (!this.#initDone.settled() && !this.#initFailed.settled() && this.#runtimeCalledNext && this.#registry.allWaiting()) {
      this.#note('init done');
      this.#initDone.resolve(nowMs());
    }
    if (!this.#initDone.settled()) return;
    const limit = this.#opts.maxConcurrency ?? 1;
    while (this.#queue.length > 0 && this.#pollers.length > 0 && this.#active.size < limit) {
      const state = this.#queue.shift() as InvocationState;
      const poller = this.#pollers.shift() as Poller;
      this.#dispatch(state, poller);
    }
  }

  #dispatch(state: InvocationState, poller: Poller): void {
    const { input } = state.pub;
    const dispatchedAt = nowMs();
    const deadlineMs = Math.round(Date.now() + this.#opts.timeoutMs);
    state.pub.dispatchedAt = dispatchedAt;
    state.pub.deadlineMs = deadlineMs;
    this.#active.set(input.requestId, state);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': input.event.length,
      'Lambda-Runtime-Aws-Request-Id': input.requestId,
      'Lambda-Runtime-Deadline-Ms': deadlineMs,
      'Lambda-Runtime-Invoked-Function-Arn': state.pub.invokedFunctionArn,
    };
    if (input.traceHeader !== undefined) headers['Lambda-Runtime-Trace-Id'] = input.traceHeader;
    if (input.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = input.clientContext;
    if (input.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = input.cognitoIdentity;
    if (input.tenantId !== undefined) headers['Lambda-Runtime-Aws-Tenant-Id'] = input.tenantId;
    poller.res.writeHead(200, headers);
    poller.res.end(input.event);
    this.#note(`dispatched ${input.requestId}`);
    for (const id of this.#registry.deliverInvoke({
      eventType: 'INVOKE',
      deadlineMs,
      requestId: input.requestId,
      invokedFunctionArn: state.pub.invokedFunctionArn,
      tracing: { type: 'X-Amzn-Trace-Id', value: input.traceHeader ?? '' },
    })) {
      state.pendingExtensions.add(id);
    }
    state.dispatched.resolve(dispatchedAt);
  }

  #extName(id: string | undefined): string {
    return this.#registry.list().find((e) => e.id === id)?.name ?? id ?? '?';
  }

  #note(what: string): void {
    this.log.push({ at: nowMs(), what });
  }
}
