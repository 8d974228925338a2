/**
 * What Node publishes for each require() and import() on the `module.require` and
 * `module.import` tracing channels (https://nodejs.org/api/diagnostics_channel.html#modules):
 * the same object reaches a load's start and its end events, so it carries the start time.
 */
export interface LoadContext {
  /** require(): the argument passed to require(). */
  readonly id?: string;
  /** require(): the requiring module's file (absent for a CommonJS module imported from an ES module). */
  readonly parentFilename?: string;
  /** import(): the specifier. */
  readonly url?: string;
  /** import(): the importing module's URL. */
  readonly parentURL?: string;
  /** Set by Node once the load returned: require()'s module.exports, import()'s namespace. */
  readonly result?: unknown;
  /** Set by Node when the load threw or rejected. */
  readonly error?: unknown;
}

/** One module load that took at least the threshold; times are performance.now() ms. */
export interface RecordedLoad {
  readonly context: LoadContext;
  readonly start: number;
  readonly end: number;
}

export interface RecordedLoads {
  /** In no particular order. */
  readonly loads: readonly RecordedLoad[];
  /** Loads at or over the threshold not kept because `maxLoads` longer ones were kept. */
  readonly dropped: number;
  /** Loads seen at all (started while recording), whatever their time. */
  readonly seen: number;
}

/** The subset of a diagnostics_channel TracingChannel the recorder needs. */
export interface LoadChannel {
  subscribe(handlers: LoadHandlers): void;
  unsubscribe(handlers: LoadHandlers): void;
}
type Handler = (context: LoadContext) => void;
export interface LoadHandlers {
  readonly start?: Handler;
  readonly end?: Handler;
  readonly asyncEnd?: Handler;
}

export interface ModuleLoadRecorderOptions {
  readonly thresholdMs: number;
  readonly maxLoads: number;
  readonly require: LoadChannel;
  readonly import: LoadChannel;
  readonly now?: () => number;
}

const STARTED_AT = Symbol('otel-lambda.load-started-at');
type Stamped = LoadContext & { [STARTED_AT]?: number };

/**
 * Records how long each require() and import() takes while it listens: per load, the start time
 * (on the context Node passes to both events) and, at its end, the load only if it took at least
 * `thresholdMs`, into arrays sized once (past `maxLoads`, the longest are kept). Filtering at
 * the end loses nothing: a load nested in another takes no longer than it, so every load dropped
 * as too fast has only too-fast loads in it. require() ends synchronously (`end`, also after an error); import() settles later
 * (`asyncEnd`, also after a rejection).
 */
export function recordModuleLoads(options: ModuleLoadRecorderOptions): { stop: () => RecordedLoads } {
  const { thresholdMs, maxLoads } = options;
  const now = options.now ?? (() => performance.now());
  const starts = new Float64Array(maxLoads);
  const ends = new Float64Array(maxLoads);
  const contexts: LoadContext[] = new Array<LoadContext>(maxLoads);
  let count = 0;
  let dropped = 0;
  let seen = 0;

  const start = (context: LoadContext): void => {
    seen++;
    (context as Stamped)[STARTED_AT] = now();
  };
  const end = (context: LoadContext): void => {
    const startedAt = (context as Stamped)[STARTED_AT];
    if (startedAt === undefined) return;
    const endedAt = now();
    if (endedAt - startedAt < thresholdMs) return;
    let at = count;
    if (count >= maxLoads) {
      // Full: keep the longest loads. A load is never longer than one it is in, so what stays
      // is whole from the outermost loads down.
      dropped++;
      at = shortest(starts, ends, count);
      if (endedAt - startedAt <= ends[at]! - starts[at]!) return;
    } else {
      count++;
    }
    starts[at] = startedAt;
    ends[at] = endedAt;
    contexts[at] = context;
  };
  const requireHandlers: LoadHandlers = { start, end };
  const importHandlers: LoadHandlers = { start, asyncEnd: end };
  options.require.subscribe(requireHandlers);
  options.import.subscribe(importHandlers);

  let stopped: RecordedLoads | undefined;
  return {
    stop() {
      if (stopped !== undefined) return stopped;
      options.require.unsubscribe(requireHandlers);
      options.import.unsubscribe(importHandlers);
      const loads: RecordedLoad[] = [];
      for (let index = 0; index < count; index++) loads.push({ context: contexts[index]!, start: starts[index]!, end: ends[index]! });
      stopped = { loads, dropped, seen };
      return stopped;
    },
  };
}

function shortest(starts: Float64Array, ends: Float64Array, count: number): number {
  let found = 0;
  for (let index = 1; index < count; index++) if (ends[index]! - starts[index]! < ends[found]! - starts[found]!) found = index;
  return found;
}
