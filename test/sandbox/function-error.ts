/**
 * The error a caller of Invoke sees. The runtime clients post `{ errorType, errorMessage, trace }`
 * (aws-lambda-ric formatError); Lambda returns it as `{ errorType, errorMessage, stackTrace }`.
 */
export interface FunctionError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
  /** Exactly the bytes the runtime posted (or the decoded streaming error trailer). */
  raw: Buffer;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** `typeHint` is the Lambda-Runtime-Function-Error-Type header/trailer, which wins when the body has none. */
export function parseFunctionError(raw: Buffer, typeHint?: string): FunctionError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = { errorMessage: raw.toString('utf8') };
  }
  const error: FunctionError = {
    errorType: typeof body.errorType === 'string' ? body.errorType : (typeHint ?? 'Unknown'),
    errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : '',
    raw,
  };
  const stackTrace = strings(body.stackTrace) ?? strings(body.trace);
  if (stackTrace !== undefined) error.stackTrace = stackTrace;
  return error;
}

/** Lambda's own error for a function that ran out of time. */
export function timeoutError(timeoutMs: number): FunctionError {
  const errorMessage = `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
  return { errorType: 'Sandbox.Timedout', errorMessage, raw: Buffer.from(JSON.stringify({ errorMessage })) };
}

/** What Lambda reports when the runtime process exits in the middle of an invocation or init. */
export function exitError(requestId: string | undefined, code: number | null, signal: string | null): FunctionError {
  const how = signal ? `signal: ${signal.toLowerCase().replace(/^sig/, '')}` : `exit status ${code ?? 'unknown'}`;
  const prefix = requestId === undefined ? '' : `RequestId: ${requestId} Error: `;
  const errorMessage = `${prefix}Runtime exited with error: ${how}`;
  const body = { errorType: 'Runtime.ExitError', errorMessage };
  return { ...body, raw: Buffer.from(JSON.stringify(body)) };
}
