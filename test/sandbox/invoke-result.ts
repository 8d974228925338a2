/** What one invoke through the sandbox returns. */
import type { FunctionError } from './function-error.ts';
import type { LogLine } from './managed-process.ts';
import type { ResponseChunk } from './runtime-api.ts';

export type InvokeStatus = 'success' | 'error' | 'timeout' | 'init-error' | 'crash';

export interface InvokeOptions {
  /** X-Ray header passed as Lambda-Runtime-Trace-Id; default: a fresh sampled one. */
  traceHeader?: string;
  /** JSON text of the client context (Lambda-Runtime-Client-Context). */
  clientContext?: string;
  cognitoIdentity?: string;
  requestId?: string;
  tenantId?: string;
}

/** All times are epoch ms (performance.timeOrigin + performance.now()). */
export interface InvokeTimings {
  /** invoke() was called. */
  sentAt: number;
  /** The runtime received the event. */
  dispatchedAt?: number;
  /** The runtime's response/error POST completed. */
  responseAt?: number;
  /** The runtime was back at /next. */
  runtimeBackAt?: number;
  /** Each INVOKE extension was back at /event/next. */
  extensionsBackAt: Record<string, number>;
  /** The invocation finished: result posted, runtime and INVOKE extensions back at next. */
  finishedAt?: number;
  /** Init failed: the runtime's init error report had arrived. */
  initErrorAt?: number;
}

export interface InvokeResult {
  requestId: string;
  traceHeader: string;
  status: InvokeStatus;
  /** Exact response bytes (for a stream: everything streamed, prelude and delimiter included). */
  body?: Buffer;
  contentType?: string;
  /** For streamed responses: each chunk as it arrived. */
  chunks?: ResponseChunk[];
  streamed: boolean;
  error?: FunctionError;
  timings: InvokeTimings;
  /** On the invoke that ran the environment's init (cold start). */
  initDurationMs?: number;
  /** The result was posted but the invoke phase (runtime + extensions) overran the timeout; the environment was reset. */
  postResponseTimeout?: boolean;
  /** Output lines that arrived while this invocation ran (from dispatch to finish). */
  logs: LogLine[];
  /** Init failed: how the runtime process ended on its own (absent if it was still running after 2 s). */
  runtimeExit?: { code: number | null; signal: NodeJS.Signals | null };
}
