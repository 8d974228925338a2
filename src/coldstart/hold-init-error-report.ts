import type { Agent, ClientRequest } from 'node:http';
import { nodeRequire } from '../node-require.ts';

/** What the runtime client reports when init fails (`{ errorType, errorMessage, trace }`, Runtime API 2018-06-01). */
export interface InitErrorReport {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

const INIT_ERROR_PATH = '/2018-06-01/runtime/init/error';
const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';

type AddRequest = (this: Agent, request: ClientRequest, options: unknown) => void;

/**
 * Holds the runtime client's init error report (its POST to /runtime/init/error) until
 * `beforeReport` has settled, so that the init span is exported before Lambda hears of the
 * failure and resets the environment. `beforeReport` must bound its own time; the report then
 * goes out unchanged, so the runtime reports and exits exactly as it would.
 *
 * Both runtime clients (aws-lambda-ric v3 and v4) post the report with node:http through their
 * own `http.Agent` and write the body with `request.end(body)` right after creating the request.
 * Holding back `Agent#addRequest`, where the request waits for a socket, delays it as a busy
 * agent would: the body stays buffered in the request. Only that one request is held; every
 * other one passes straight through, and the hook goes with `release()` (called once the first
 * invocation starts: from then on the runtime reports invocation errors instead).
 */
export function holdInitErrorReport(runtimeApi: string | undefined, beforeReport: (report: InitErrorReport) => Promise<void>): { release: () => void } {
  // The runtime client loads node:http before it loads the handler (v4 at its own start, v3 to
  // make its Runtime API client), so requiring it here adds nothing to init.
  const agentPrototype = (nodeRequire('node:http') as typeof import('node:http')).Agent.prototype as unknown as { addRequest: AddRequest };
  const original = agentPrototype.addRequest;
  const release = (): void => {
    if (agentPrototype.addRequest === holdingAddRequest) agentPrototype.addRequest = original;
  };
  function holdingAddRequest(this: Agent, request: ClientRequest, options: unknown): void {
    if (!isInitErrorReport(request, runtimeApi)) return original.call(this, request, options);
    release();
    const body = captureBody(request);
    const send = (): void => {
      try {
        original.call(this, request, options);
      } catch (error) {
        // The runtime's own error handler then sees what went wrong, as without the layer.
        request.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    };
    // The body is written right after the request is created, before this microtask runs.
    void Promise.resolve()
      .then(() => beforeReport(parseReport(body(), request.getHeader(ERROR_TYPE_HEADER))))
      .catch(() => undefined)
      .then(send);
  }
  agentPrototype.addRequest = holdingAddRequest;
  return { release };
}

function isInitErrorReport(request: ClientRequest, runtimeApi: string | undefined): boolean {
  if (request.method !== 'POST' || request.path !== INIT_ERROR_PATH) return false;
  return runtimeApi === undefined || request.getHeader('host') === runtimeApi;
}

/** Records what is written to the request (as text), without changing how it is written. */
function captureBody(request: ClientRequest): () => string {
  const chunks: string[] = [];
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk).toString('utf8'));
  };
  const { write, end } = request;
  request.write = function writeAndKeep(this: ClientRequest, chunk: unknown, ...rest: unknown[]): boolean {
    keep(chunk);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ClientRequest['write'];
  request.end = function endAndKeep(this: ClientRequest, chunk?: unknown, ...rest: unknown[]): ClientRequest {
    if (typeof chunk !== 'function') keep(chunk);
    return (end as (...args: unknown[]) => ClientRequest).call(this, chunk, ...rest);
  } as ClientRequest['end'];
  return () => chunks.join('');
}

export function parseReport(body: string, typeHeader: unknown): InitErrorReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const errorType = typeof record['errorType'] === 'string' ? record['errorType'] : typeof typeHeader === 'string' ? typeHeader : 'Runtime.Unknown';
  const errorMessage = typeof record['errorMessage'] === 'string' ? record['errorMessage'] : '';
  const trace = Array.isArray(record['trace']) ? record['trace'].filter((line): line is string => typeof line === 'string') : [];
  return { errorType, errorMessage, trace };
}
