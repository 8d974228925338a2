import type { LayerConfig } from '../config/index.ts';
import { describeError, log } from '../log.ts';
import { BackgroundFlush } from './background-flush.ts';
import { DeferredFlush } from './deferred-flush.ts';
import type { FlushStrategy, Flushable } from './flush-strategy.ts';
import type { FlushWaiter } from './flush-waiter.ts';
import type { SyncFlush } from './sync-flush.ts';

// Lambda leaves 500 ms between SIGTERM and SIGKILL when an internal extension is registered,
// 300 ms otherwise; the final flush must fit.
const SHUTDOWN_BUDGET_WITH_INTERNAL_EXTENSION_MS = 400;
const SHUTDOWN_BUDGET_MS = 250;

export interface ChosenFlush {
  readonly strategy: FlushStrategy;
  readonly shutdownBudgetMs: number;
}

/**
 * Picks the flush strategy once, from config. Deferred mode needs its internal extension
 * registered during init; if that fails, the synchronous strategy takes over.
 */
export async function chooseFlush(config: LayerConfig, target: Flushable, waiter: FlushWaiter, sync: SyncFlush): Promise<ChosenFlush> {
  if (config.flushMode === 'background') return { strategy: new BackgroundFlush(target), shutdownBudgetMs: SHUTDOWN_BUDGET_MS };
  if (config.flushMode === 'deferred') {
    try {
      const runtimeApi = config.lambda.runtimeApi;
      if (runtimeApi === undefined) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
      const deferred = new DeferredFlush(runtimeApi, target, waiter, { flushTimeoutMs: config.flushTimeoutMs, deadlineMarginMs: config.deadlineMarginMs });
      await deferred.start();
      return { strategy: deferred, shutdownBudgetMs: SHUTDOWN_BUDGET_WITH_INTERNAL_EXTENSION_MS };
    } catch (error) {
      log.warn(`OTEL_LAMBDA_FLUSH_MODE=deferred: could not register the internal extension (${describeError(error)}); flushing before each response instead.`);
    }
  }
  return { strategy: sync, shutdownBudgetMs: SHUTDOWN_BUDGET_MS };
}
