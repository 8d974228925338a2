import type { FlushStrategy } from './flush-strategy.ts';

/**
 * Lambda sends SIGTERM before ending an environment that has extensions (ours in deferred mode,
 * or the collector layer), then SIGKILL 300–500 ms later
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-shutdown).
 * Whatever is still queued is exported within `budgetMs`; then, unless someone else handles
 * SIGTERM, the signal is raised again so the process ends as it would have without us.
 */
export function flushOnSigterm(strategy: FlushStrategy, budgetMs: number): void {
  process.once('SIGTERM', () => {
    void strategy.shutdown(budgetMs).then(() => {
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  });
}
