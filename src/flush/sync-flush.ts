import type { LambdaContextLike } from '../invocation/invocation-attributes.ts';
import type { FlushStrategy, Flushable } from './flush-strategy.ts';
import type { FlushWaiter } from './flush-waiter.ts';
import { flushBudgetMs, remainingTimeOf, withinBudget } from './time-budget.ts';

export interface FlushBudget {
  readonly flushTimeoutMs: number;
  readonly deadlineMarginMs: number;
}

/**
 * The default: the invocation's spans are exported before its result reaches the runtime, so
 * a freeze right after the response loses nothing. The cost is the export's round trip,
 * bounded by the flush budget, and not paid while the collector fails (see FlushWaiter).
 */
export class SyncFlush implements FlushStrategy {
  private readonly target: Flushable;
  private readonly waiter: FlushWaiter;
  private readonly budget: FlushBudget;

  constructor(target: Flushable, waiter: FlushWaiter, budget: FlushBudget) {
    this.target = target;
    this.waiter = waiter;
    this.budget = budget;
  }

  async afterInvocation(lambdaContext: LambdaContextLike): Promise<void> {
    await this.waiter.flush(flushBudgetMs(this.budget.flushTimeoutMs, this.budget.deadlineMarginMs, remainingTimeOf(lambdaContext)));
  }

  async shutdown(budgetMs: number): Promise<void> {
    await withinBudget(() => this.target.shutdown(), budgetMs);
  }
}
