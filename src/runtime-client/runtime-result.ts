/**
 * What the runtime client sent Lambda for one invocation: its verdict, exactly as Lambda
 * receives it. `body` is the runtime's own serialization: a buffered response's JSON, or the
 * error document `{ errorType, errorMessage, trace }` (aws-lambda-ric's formatError,
 * toRapidResponse in v3), posted or sent as a response stream's trailer. A stream that ended
 * without an error trailer is `streamed`.
 */
export type RuntimeResult =
  | { readonly kind: 'response'; readonly body: string }
  | { readonly kind: 'error'; readonly body: string }
  | { readonly kind: 'streamed' };

/** An error as the runtime client reported it. */
export interface ReportedError {
  readonly type: string;
  readonly message: string | undefined;
  /** The trace lines joined; undefined when the runtime sent none (anything but an Error). */
  readonly stack: string | undefined;
}

/** Reads the runtime's error document; never throws (it is the runtime's JSON, not the function's value). */
export function reportedError(body: string): ReportedError {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    document = undefined;
  }
  const { errorType, errorMessage, trace } = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  const lines = Array.isArray(trace) ? trace.filter((line): line is string => typeof line === 'string') : [];
  return {
    // As reported, even empty (an Error whose name is ''); 'Error' only if the document has none.
    type: typeof errorType === 'string' ? errorType : 'Error',
    message: typeof errorMessage === 'string' ? errorMessage : undefined,
    stack: lines.length > 0 ? lines.join('\n') : undefined,
  };
}
