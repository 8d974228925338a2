import type { ExportHealth } from '../exporters/observed-exporter.ts';
import { log } from '../log.ts';
import type { Flushable } from './flush-strategy.ts';
import { withinBudget } from './time-budget.ts';

/**
 * Starts a flush and waits for it within a budget, as long as waiting is worth it. While the
 * collector is failing (an export failed, or a flush overran its budget) flushes stop being
 * waited for: spans still queue (bounded) and export is still attempted each time, and waiting
 * resumes with the first successful export. A dead collector costs a function one flush budget,
 * not one per invocation, whether the wait holds the response (sync) or the end of the
 * invocation (deferred).
 */
export class FlushWaiter {
  private waitingDisabled = false;
  private readonly target: Flushable;
  private readonly health: ExportHealth;

  constructor(target: Flushable, health: ExportHealth) {
    this.target = target;
    this.health = health;
  }

  async flush(budgetMs: number): Promise<void> {
    // Nothing queued (an unsampled invocation): no flush, no timer, no promise to wait for.
    if (this.target.isIdle?.() === true) return;
    const flushing = this.target.forceFlush().then(
      () => true,
      () => false,
    );
    if (this.waitingDisabled || !this.health.healthy) {
      // The first export that succeeds restores waiting.
      void flushing.then((succeeded) => this.resumeIfRecovered(succeeded));
      return;
    }
    const outcome = await withinBudget(() => flushing, budgetMs);
    if (outcome !== 'timed-out') return;
    this.waitingDisabled = true;
    log.warn(
      `span flush did not finish within ${budgetMs} ms; invocations no longer wait for it until an export succeeds. ` +
        'Check that the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318) answers, or raise OTEL_LAMBDA_FLUSH_TIMEOUT_MS.',
    );
    void flushing.then((succeeded) => this.resumeIfRecovered(succeeded));
  }

  private resumeIfRecovered(succeeded: boolean): void {
    if (succeeded && this.health.healthy) this.waitingDisabled = false;
  }
}
