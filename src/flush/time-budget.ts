import { cancelUnrefTimer, startUnrefTimer } from '../unref-timer.ts';

export type BudgetOutcome = 'done' | 'timed-out' | 'failed';

/** The invocation's remaining time, if the runtime's context can tell it. */
export function remainingTimeOf(lambdaContext: { getRemainingTimeInMillis?(): number }): number | undefined {
  return typeof lambdaContext.getRemainingTimeInMillis === 'function' ? lambdaContext.getRemainingTimeInMillis() : undefined;
}

/**
 * Runs `work` for at most `budgetMs`. Never rejects: a flush that fails or overruns must not
 * become the user's error or hold the invocation. The timer is unref'd so it never keeps the
 * event loop (and with it a Node 22 callback handler's completion) alive.
 */
export async function withinBudget(work: () => Promise<unknown>, budgetMs: number): Promise<BudgetOutcome> {
  // The work always starts, even with no budget to wait for it: it then runs in the background.
  const attempt = (async (): Promise<BudgetOutcome> => {
    await work();
    return 'done';
  })().catch((): BudgetOutcome => 'failed');
  if (budgetMs <= 0) return 'timed-out';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<BudgetOutcome>((resolve) => {
    timer = startUnrefTimer(() => resolve('timed-out'), budgetMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    cancelUnrefTimer(timer);
  }
}

/** The flush budget of one invocation: the configured limit, never past the deadline's margin. */
export function flushBudgetMs(flushTimeoutMs: number, deadlineMarginMs: number, remainingMs: number | undefined): number {
  if (remainingMs === undefined || !Number.isFinite(remainingMs)) return flushTimeoutMs;
  return Math.max(0, Math.min(flushTimeoutMs, remainingMs - deadlineMarginMs));
}
