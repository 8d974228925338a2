import type { OutgoingMessage } from 'node:http';
import { nodeRequire } from '../node-require.ts';
import { readThrown } from '../read-thrown.ts';
import type { RuntimeResult } from './runtime-result.ts';

// The trailers both runtime clients send when a streamed invocation fails
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming).
const ERROR_TYPE_TRAILER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';

type AddTrailers = OutgoingMessage['addTrailers'];

/** Error documents the runtime put in a response stream's trailers, by the runtime's request. */
const reportedErrors = new WeakMap<object, string>();
let watchingTrailers = false;

/**
 * Calls `onEnd` once, with the runtime's verdict, when the response stream the runtime handed a
 * streaming handler has been sent: an error if the runtime sent the error trailers, else a
 * success. The verdict is what reached the wire, so a failure the runtime could no longer report
 * (its trailers came after the stream had ended) is the success Lambda saw.
 */
export function watchResponseStream(responseStream: unknown, onEnd: (result: RuntimeResult) => void): void {
  watchTrailers();
  const stream = responseStream as { once?: (event: string, listener: (this: object, error?: unknown) => void) => unknown } | null;
  if (typeof stream?.once !== 'function') return;
  let ended = false;
  // The runtime's stream object forwards listeners to its HTTP request (bound methods), so a
  // listener's `this` is that request. 'finish' comes once the last byte (and any trailer) was
  // handed to the socket, before Lambda answers the runtime and the runtime asks for its next event.
  const end = (result: RuntimeResult): void => {
    if (ended) return;
    ended = true;
    onEnd(result);
  };
  stream.once('finish', function onFinish(this: object) {
    const error = reportedErrors.get(this);
    end(error === undefined ? { kind: 'streamed' } : { kind: 'error', body: error });
  });
  stream.once('error', function onError(this: object, error?: unknown) {
    const reported = reportedErrors.get(this);
    const thrown = readThrown(error);
    end({ kind: 'error', body: reported ?? JSON.stringify({ errorType: thrown.type, errorMessage: thrown.message }) });
  });
  stream.once('close', function onClose(this: object) {
    const reported = reportedErrors.get(this);
    end({ kind: 'error', body: reported ?? JSON.stringify({ errorType: 'Error', errorMessage: 'the response stream closed before it was finished' }) });
  });
}

/**
 * Notes the error trailers a runtime client adds to its streaming request. Only calls carrying
 * the runtime's error-type trailer are noted (a plain own data property, read without running
 * any code of the caller's); every call goes on to Node's own addTrailers unchanged.
 */
function watchTrailers(): void {
  if (watchingTrailers) return;
  watchingTrailers = true;
  const { OutgoingMessage: Outgoing } = nodeRequire('node:http') as typeof import('node:http');
  const { isProxy } = (nodeRequire('node:util') as typeof import('node:util')).types;
  const original: AddTrailers = Outgoing.prototype.addTrailers;
  Outgoing.prototype.addTrailers = function addTrailers(this: OutgoingMessage, headers) {
    if (!this.writableEnded && typeof headers === 'object' && headers !== null && !isProxy(headers)) {
      const type = Object.getOwnPropertyDescriptor(headers, ERROR_TYPE_TRAILER);
      const body = Object.getOwnPropertyDescriptor(headers, ERROR_BODY_TRAILER);
      if (type !== undefined && 'value' in type && body !== undefined && typeof body.value === 'string') {
        reportedErrors.set(this, Buffer.from(body.value, 'base64').toString('utf8'));
      }
    }
    original.call(this, headers);
  };
}
