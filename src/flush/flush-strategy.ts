import type { LambdaContextLike } from '../invocation/invocation-attributes.ts';

/** When spans leave the sandbox. Chosen once from config; the handler wrapper never branches on mode. */
export interface FlushStrategy {
  /**
   * Called once per invocation after its span ended (also for an invocation the layer failed
   * to trace): when the runtime posts a buffered result, or a response stream ends. Resolves
   * when the result may reach Lambda; never rejects.
   */
  afterInvocation(lambdaContext: LambdaContextLike): Promise<void>;
  /** Final export on SHUTDOWN/SIGTERM, within `budgetMs`; never rejects. */
  shutdown(budgetMs: number): Promise<void>;
}

export interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** True when a flush now would have nothing to do (no span of an unsampled invocation queued, say). */
  isIdle?(): boolean;
}

/** Flushes and shuts down several providers as one; each one's failure stays its own. */
export function combineFlushables(flushables: readonly Flushable[]): Flushable {
  return {
    forceFlush: async () => {
      await Promise.allSettled(flushables.map((flushable) => flushable.forceFlush()));
    },
    shutdown: async () => {
      await Promise.allSettled(flushables.map((flushable) => flushable.shutdown()));
    },
  };
}
