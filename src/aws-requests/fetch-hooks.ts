import type { Span } from '@opentelemetry/api';
import { subscribe } from 'node:diagnostics_channel';
import { isAwsSigned } from './aws-signed.ts';
import { guarded } from './guarded.ts';
import { loadBundledRecogniser, type LoadRecogniser } from './load-recogniser.ts';

/** What @opentelemetry/instrumentation-undici hands its hooks (undici's request, as on its diagnostics channels). */
export interface UndiciRequestLike {
  readonly method: string;
  readonly origin: string;
  readonly path: string;
  /** `name: value\r\n…` (undici 5) or `[name, value, …]` (undici ≥ 6, Node's fetch). */
  readonly headers: string | readonly (string | readonly string[])[];
  readonly body?: unknown;
}

export type UndiciInstrumentationHooks = {
  readonly requestHook: (span: Span, request: UndiciRequestLike) => void;
  readonly responseHook: (span: Span, info: { readonly request: UndiciRequestLike; readonly response: { readonly headers: readonly Buffer[] } }) => void;
};

/**
 * The same as awsHttpClientHooks for requests made with `fetch` (undici): an SDK client
 * configured with the fetch handler (`@smithy/fetch-http-handler`) instead of the default
 * node:http one. A query-protocol `Action=` is read from the body when undici holds it as a
 * string or bytes, else from its first chunk as undici sends it (fetch streams every body),
 * seen on undici's `undici:request:bodyChunkSent` diagnostics channel, listened to from the
 * first such request on.
 */
export function awsFetchHooks(load: LoadRecogniser = loadBundledRecogniser): UndiciInstrumentationHooks {
  const awsSpans = new WeakSet<Span>();
  const awaitingBody = new WeakMap<object, (chunk: unknown) => void>();
  let listening = false;
  const onFirstChunk = (request: object, observe: (chunk: unknown) => void): void => {
    awaitingBody.set(request, observe);
    if (listening) return;
    listening = true;
    subscribe(
      'undici:request:bodyChunkSent',
      guarded((message: unknown) => {
        const { request: sent, chunk } = message as { request: object; chunk: unknown };
        const pending = awaitingBody.get(sent);
        if (pending === undefined) return;
        awaitingBody.delete(sent);
        pending(chunk);
      }),
    );
  };
  return {
    requestHook(span, request) {
      const header = headerReader(request.headers);
      if (!isAwsSigned(header('authorization')) || !span.isRecording()) return;
      let host: string;
      try {
        host = new URL(request.origin).hostname;
      } catch {
        return;
      }
      const recogniser = load();
      const call = recogniser.recogniseAwsRequest({ method: request.method, host, path: request.path, header });
      if (call === undefined) return;
      awsSpans.add(span);
      recogniser.describeAwsCall(span, call);
      if (!call.operationInBody) return;
      const inline = recogniser.actionOfFormBody(request.body);
      if (inline !== undefined) recogniser.describeAwsCall(span, { ...call, operation: inline });
      else {
        onFirstChunk(request, (chunk) => {
          const action = recogniser.actionOfFormBody(chunk);
          if (action !== undefined) recogniser.describeAwsCall(span, { ...call, operation: action });
        });
      }
    },
    responseHook(span, { response }) {
      if (!awsSpans.has(span)) return;
      span.setAttributes(load().awsResponseAttributes(rawHeaderReader(response.headers)));
    },
  };
}

function headerReader(headers: UndiciRequestLike['headers']): (name: string) => string | undefined {
  if (typeof headers === 'string') {
    return (name) => {
      for (const line of headers.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
      }
      return undefined;
    };
  }
  return (name) => {
    for (let index = 0; index + 1 < headers.length; index += 2) {
      const key = headers[index];
      if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) {
        const value = headers[index + 1];
        return typeof value === 'string' ? value : value?.[0];
      }
    }
    return undefined;
  };
}

/** Response headers as undici reports them: `[name, value, …]` as Buffers. */
function rawHeaderReader(headers: readonly Buffer[]): (name: string) => string | undefined {
  return (name) => {
    for (let index = 0; index + 1 < headers.length; index += 2) {
      const key = headers[index];
      if (key !== undefined && key.length === name.length && key.toString('latin1').toLowerCase() === name) return headers[index + 1]?.toString('latin1');
    }
    return undefined;
  };
}
