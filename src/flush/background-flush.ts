import type { FlushStrategy, Flushable } from './flush-strategy.ts';
import { withinBudget } from './time-budget.ts';

/**
 * For Lambda Managed Instances: invocations run concurrently and the instance is not frozen
 * between them, and Lambda forbids extensions to subscribe to INVOKE there. Spans leave in the
 * batch processor's own background exports; no invocation waits for another's export.
 */
export class BackgroundFlush implements FlushStrategy {
  private readonly target: Flushable;

  constructor(target: Flushable) {
    this.target = target;
  }

  afterInvocation(): Promise<void> {
    return Promise.resolve();
  }

  async shutdown(budgetMs: number): Promise<void> {
    await withinBudget(() => this.target.shutdown(), budgetMs);
  }
}
