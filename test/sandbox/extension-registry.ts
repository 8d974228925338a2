/**
 * State of the Extensions API (version 2020-01-01): who registered for what, who is waiting
 * at /event/next, and which event each extension is still working on.
 * Rules and error types follow the Lambda docs (runtimes-extensions-api) and the Runtime
 * Interface Emulator (lambda/rapi/handler/agentregister.go, constants.go):
 *  - the extension name decides external (a file in /opt/extensions) vs internal (in the runtime process);
 *  - internal extensions may not subscribe to SHUTDOWN; at most 10 extensions;
 *  - registration closes when the runtime first asks for an invocation;
 *  - on Lambda Managed Instances extensions may not subscribe to INVOKE.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { nowMs, sendJson } from './http-io.ts';

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';

export interface InvokeEvent {
  eventType: 'INVOKE';
  deadlineMs: number;
  requestId: string;
  invokedFunctionArn: string;
  tracing: { type: 'X-Amzn-Trace-Id'; value: string };
}

export interface ShutdownEvent {
  eventType: 'SHUTDOWN';
  shutdownReason: string;
  deadlineMs: number;
}

export type ExtensionEvent = InvokeEvent | ShutdownEvent;

export interface ExtensionErrorReport {
  at: number;
  kind: 'init' | 'exit';
  errorType: string;
  body: Buffer;
}

export interface RegisteredExtension {
  id: string;
  name: string;
  external: boolean;
  events: ExtensionEventType[];
  registeredAt: number;
  /** When it called /event/next, in order. */
  nextCalls: number[];
  delivered: { at: number; event: ExtensionEvent }[];
  errors: ExtensionErrorReport[];
}

interface ExtensionState {
  info: RegisteredExtension;
  queue: ExtensionEvent[];
  waiting?: ServerResponse;
  /** requestId of the INVOKE (or 'SHUTDOWN') it received and has not yet come back from. */
  inFlight?: string;
}

export interface RegistryOptions {
  externalNames: readonly string[];
  managedInstances: boolean;
  metadata: { functionName: string; functionVersion: string; handler: string; accountId: string };
  /** An extension came back to /event/next after working on `requestId`. */
  onBack: (ext: RegisteredExtension, requestId: string) => void;
  /** Anything that might complete init changed (registration, first wait, error). */
  onChange: () => void;
}

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const MAX_EXTENSIONS = 10;
const KNOWN_EVENTS: readonly string[] = ['INVOKE', 'SHUTDOWN'];

function forbidden(errorType: string, errorMessage: string): ApiReply {
  return { status: 403, body: { errorMessage, errorType } };
}

export class ExtensionRegistry {
  readonly #opts: RegistryOptions;
  readonly #byId = new Map<string, ExtensionState>();
  #registrationOpen = true;

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
  }

  list(): RegisteredExtension[] {
    return [...this.#byId.values()].map((s) => s.info);
  }

  closeRegistration(): void {
    this.#registrationOpen = false;
  }

  /** Names of expected external extensions that have registered. */
  registeredExternalNames(): string[] {
    return this.list().filter((e) => e.external).map((e) => e.name);
  }

  /** True when every registered extension is parked at /event/next with nothing queued. */
  allWaiting(): boolean {
    return [...this.#byId.values()].every((s) => s.waiting !== undefined && s.queue.length === 0);
  }

  register(name: string | undefined, rawBody: Buffer, acceptFeature: string | undefined): ApiReply {
    if (!name) return forbidden('Extension.InvalidExtensionName', 'Empty extension name');
    let events: string[];
    try {
      const parsed = JSON.parse(rawBody.toString('utf8') || '{}') as { events?: unknown };
      events = Array.isArray(parsed.events) ? parsed.events.map(String) : [];
    } catch (err) {
      return forbidden('InvalidRequestFormat', String(err));
    }
    if (!this.#registrationOpen) return forbidden('Extension.RegistrationClosed', 'Extension registration closed already');
    if (this.list().some((e) => e.name === name)) {
      return forbidden('Extension.InvalidExtensionState', 'Extension with this name already registered');
    }
    if (this.#byId.size >= MAX_EXTENSIONS) {
      return forbidden('Extension.TooManyExtensions', `Extension limit (${MAX_EXTENSIONS}) reached`);
    }
    const external = this.#opts.externalNames.includes(name);
    for (const e of events) {
      if (!KNOWN_EVENTS.includes(e)) return forbidden('Extension.InvalidEventType', `${e}: invalid event`);
      if (e === 'SHUTDOWN' && !external) {
        return forbidden('Extension.InvalidEventType', `${e}: internal extensions cannot register for SHUTDOWN`);
      }
      if (e === 'INVOKE' && this.#opts.managedInstances) {
        return forbidden('Extension.InvalidEventType', `${e}: not supported on Lambda Managed Instances`);
      }
    }
    const info: RegisteredExtension = {
      id: randomUUID(),
      name,
      external,
      events: events as ExtensionEventType[],
      registeredAt: nowMs(),
      nextCalls: [],
      delivered: [],
      errors: [],
    };
    this.#byId.set(info.id, { info, queue: [] });
    const { functionName, functionVersion, handler, accountId } = this.#opts.metadata;
    const body: Record<string, string> = { functionName, functionVersion, handler };
    // Lambda adds accountId only to extensions that ask for it (Lambda-Extension-Accept-Feature).
    if (acceptFeature?.split(',').some((f) => f.trim() === 'accountId')) body.accountId = accountId;
    this.#opts.onChange();
    return { status: 200, body, headers: { 'Lambda-Extension-Identifier': info.id } };
  }

  /** GET /event/next: parks `res` until there is an event for this extension. */
  next(id: string | undefined, res: ServerResponse): ApiReply | undefined {
    if (!id) return forbidden('Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
    const state = this.#byId.get(id);
    if (!state) return forbidden('Extension.UnknownExtensionIdentifier', 'Unknown extension identifier');
    if (state.waiting) return forbidden('Extension.InvalidExtensionState', 'Extension is already waiting for an event');
    state.info.nextCalls.push(nowMs());
    state.waiting = res;
    res.on('close', () => {
      if (state.waiting === res) state.waiting = undefined;
    });
    const back = state.inFlight;
    state.inFlight = undefined;
    if (back !== undefined && back !== 'SHUTDOWN') this.#opts.onBack(state.info, back);
    this.#pump(state);
    this.#opts.onChange();
    return undefined;
  }

  /** Sends INVOKE to its subscribers; returns the ids that must come back before the invoke is done. */
  deliverInvoke(event: InvokeEvent): string[] {
    const ids: string[] = [];
    for (const state of this.#byId.values()) {
      if (!state.info.events.includes('INVOKE')) continue;
      ids.push(state.info.id);
      state.queue.push(event);
      this.#pump(state);
    }
    return ids;
  }

  /** Sends SHUTDOWN to its subscribers; returns how many were sent one. */
  deliverShutdown(event: ShutdownEvent): number {
    let count = 0;
    for (const state of this.#byId.values()) {
      if (!state.info.events.includes('SHUTDOWN')) continue;
      count++;
      state.queue.push(event);
      this.#pump(state);
    }
    return count;
  }

  reportError(id: string | undefined, kind: 'init' | 'exit', errorType: string | undefined, body: Buffer): ApiReply {
    if (!id) return forbidden('Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
    const state = this.#byId.get(id);
    if (!state) return forbidden('Extension.UnknownExtensionIdentifier', 'Unknown extension identifier');
    if (!errorType) return { status: 400, body: { errorMessage: 'Missing Lambda-Extension-Function-Error-Type', errorType: 'Extension.MissingHeader' } };
    state.info.errors.push({ at: nowMs(), kind, errorType, body });
    this.#opts.onChange();
    return { status: 202, body: { status: 'OK' }, headers: { 'Lambda-Extension-Identifier': id } };
  }

  #pump(state: ExtensionState): void {
    const res = state.waiting;
    const event = state.queue[0];
    if (!res || !event) return;
    state.queue.shift();
    state.waiting = undefined;
    state.inFlight = event.eventType === 'INVOKE' ? event.requestId : 'SHUTDOWN';
    state.info.delivered.push({ at: nowMs(), event });
    sendJson(res, 200, event, { 'Lambda-Extension-Identifier': state.info.id });
  }
}
