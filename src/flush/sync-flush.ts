import type { ExportHealth } from '../exporters/observed-exporter.ts';
import type { LambdaContextLike } from '../invocation/invocation-attributes.ts';
import { log } from '../log.ts';
import type { FlushStrategy, Flushable } from './flush-strategy.ts';
import { flushBudgetMs, remainingTimeOf, withinBudget } from './time-budget.ts';

export interface FlushBudget {
  readonly flushTimeoutMs: number;
  readonly deadlineMarginMs: number;
}

/**
 * The default: the invocation's spans are exported before its result reaches the runtime, so
 * a freeze right after the response loses nothing. The cost is the export's round trip,
 * bounded by the flush budget.
 *
 * While the collector is failing (an export failed, or a flush overran its budget) invocations
 * stop waiting: spans still queue (bounded) and export is still attempted after each
 * invocation, and waiting resumes with the first successful export. A dead collector costs a
 * function one flush budget, not one per invocation.
 */
export class SyncFlush implements FlushStrategy {
  private waitingDisabled = false;
  private readonly target: Flushable;
  private readonly health: ExportHealth;
  private readonly budget: FlushBudget;

  constructor(target: Flushable, health: ExportHealth, budget: FlushBudget) {
    this.target = target;
    this.health = health;
    this.budget = budget;
  }

  async afterInvocation(lambdaContext: LambdaContextLike): Promise<void> {
    const budget = flushBudgetMs(this.budget.flushTimeoutMs, this.budget.deadlineMarginMs, remainingTimeOf(lambdaContext));
    const flushing = this.target.forceFlush().then(
      () => true,
      () => false,
    );
    if (this.waitingDisabled || !this.health.healthy) {
      // Export still happens, in the background; the first one that succeeds restores waiting.
      void flushing.then((succeeded) => this.resumeIfRecovered(succeeded));
      return;
    }
    const outcome = await withinBudget(() => flushing, budget);
    if (outcome !== 'timed-out') return;
    this.waitingDisabled = true;
    log.warn(
      `span flush did not finish within ${budget} ms; invocations no longer wait for it until an export succeeds. ` +
        'Check that the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318) answers, or raise OTEL_LAMBDA_FLUSH_TIMEOUT_MS.',
    );
    void flushing.then((succeeded) => this.resumeIfRecovered(succeeded));
  }

  private resumeIfRecovered(succeeded: boolean): void {
    if (succeeded && this.health.healthy) this.waitingDisabled = false;
  }

  async shutdown(budgetMs: number): Promise<void> {
    await withinBudget(() => this.target.shutdown(), budgetMs);
  }
}
