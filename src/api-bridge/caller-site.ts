/** Where a function was called from, as V8 recorded it (1-based line and column). */
export interface CallerSite {
  readonly fileName: string;
  readonly line: number;
  readonly column: number;
}

interface V8CallSite {
  getFileName(): string | undefined | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

/**
 * The call site of whoever called `callee` (a getter or setter, for instance), in the file's
 * own coordinates. `Error.prepareStackTrace` is replaced for the one capture so that V8's raw
 * call sites come back: with `--enable-source-maps` Node's own formatter would map them to
 * original sources, where a bundle's position means nothing. One capture of one frame costs
 * about 10 µs (Node 22 and 24), so it is taken only for rare events, never per API call.
 * https://v8.dev/docs/stack-trace-api
 */
export function callerSiteOf(callee: (...args: never[]) => unknown): CallerSite | undefined {
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder: { stack?: unknown } = {};
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.captureStackTrace(holder, callee);
    const site = (holder.stack as V8CallSite[] | undefined)?.[0];
    const fileName = site?.getFileName();
    const line = site?.getLineNumber();
    const column = site?.getColumnNumber();
    if (typeof fileName !== 'string' || typeof line !== 'number' || typeof column !== 'number') return undefined;
    return { fileName, line, column };
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
