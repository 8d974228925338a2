import { log } from '../log.ts';
import type { FlushStrategy, Flushable } from './flush-strategy.ts';
import { flushBudgetMs, withinBudget } from './time-budget.ts';

export interface SyncFlushOptions {
  readonly flushTimeoutMs: number;
  readonly deadlineMarginMs: number;
  readonly shutdownTimeoutMs: number;
}

/**
 * The default: the invocation's spans are exported before its result reaches the runtime, so
 * a freeze right after the response loses nothing. The cost is the export's round trip on
 * every invocation, bounded by the flush budget.
 */
export class SyncFlush implements FlushStrategy {
  private overruns = 0;
  private readonly target: Flushable;
  private readonly options: SyncFlushOptions;

  constructor(target: Flushable, options: SyncFlushOptions) {
    this.target = target;
    this.options = options;
  }

  async afterInvocation(lambdaContext: { getRemainingTimeInMillis?(): number }): Promise<void> {
    const remaining = typeof lambdaContext.getRemainingTimeInMillis === 'function' ? lambdaContext.getRemainingTimeInMillis() : undefined;
    const budget = flushBudgetMs(this.options.flushTimeoutMs, this.options.deadlineMarginMs, remaining);
    const outcome = await withinBudget(() => this.target.forceFlush(), budget);
    if (outcome !== 'done') this.reportOverrun(outcome, budget);
  }

  async shutdown(): Promise<void> {
    await withinBudget(() => this.target.shutdown(), this.options.shutdownTimeoutMs);
  }

  // One line on the first overrun and then on every hundredth, so a dead collector cannot flood
  // the function's logs.
  private reportOverrun(outcome: 'timed-out' | 'failed', budget: number): void {
    this.overruns += 1;
    if (this.overruns !== 1 && this.overruns % 100 !== 0) return;
    log.warn(
      `span flush ${outcome === 'failed' ? 'failed' : `did not finish within ${budget} ms`} (${this.overruns} time(s) so far); ` +
        'check that the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318) is reachable, or raise OTEL_LAMBDA_FLUSH_TIMEOUT_MS.',
    );
  }
}
