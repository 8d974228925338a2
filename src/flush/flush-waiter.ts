import type { ExportHealth } from '../exporters/observed-exporter.ts';
import { log } from '../log.ts';
import type { Flushable } from './flush-strategy.ts';
import { withinBudget } from './time-budget.ts';

const NO_BUDGET_REPORT_INTERVAL_MS = 60_000;

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
  private lastNoBudgetReportAt = Number.NEGATIVE_INFINITY;
  private readonly target: Flushable;
  private readonly health: ExportHealth;

  constructor(target: Flushable, health: ExportHealth) {
    this.target = target;
    this.health = health;
  }

  async flush(budgetMs: number): Promise<void> {
    const flushing = this.target.forceFlush().then(
      () => true,
      () => false,
    );
    if (this.waitingDisabled || !this.health.healthy) {
      // The first export that succeeds restores waiting.
      void flushing.then((succeeded) => this.resumeIfRecovered(succeeded));
      return;
    }
    if (budgetMs <= 0) {
      // The invocation used its time up to the deadline margin: there is nothing to wait with,
      // and the collector is not to blame, so waiting stays on for the next invocation.
      this.reportNoBudget();
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

  private reportNoBudget(): void {
    const now = Date.now();
    if (now - this.lastNoBudgetReportAt < NO_BUDGET_REPORT_INTERVAL_MS) return;
    this.lastNoBudgetReportAt = now;
    log.warn(
      'an invocation ended with no time left to wait for its span flush (it ran into the last OTEL_LAMBDA_DEADLINE_MARGIN_MS before its timeout); ' +
        'its spans are sent without waiting and may arrive late, or be lost if the sandbox is not used again. Raise the function timeout to keep them.',
    );
  }

  private resumeIfRecovered(succeeded: boolean): void {
    if (succeeded && this.health.healthy) this.waitingDisabled = false;
  }
}
