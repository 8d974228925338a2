import type { FlushStrategy } from './flush-strategy.ts';
import { nodeRequire } from '../node-require.ts';

const CHANNEL = 'otel-lambda-layer:flush';

type Message = { type: 'ready' } | { type: 'flush'; budgetMs: number } | { type: 'flushed' };

/**
 * Lambda sends SIGTERM before ending an environment that has extensions (ours in deferred mode,
 * or the collector layer), then SIGKILL 300–500 ms later
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-shutdown).
 * Whatever is still queued is exported within `budgetMs`; then, unless someone else handles
 * SIGTERM, the signal is raised again so the process ends as it would have without us.
 *
 * Under Lambda Managed Instances the invocations, and their queued spans, live in the runtime
 * client's worker threads, which never see signals: the main thread asks them over a
 * BroadcastChannel to flush and waits for their answers within the same budget.
 */
export function flushOnSigterm(strategy: FlushStrategy, budgetMs: number): void {
  const { isMainThread, BroadcastChannel } = nodeRequire('node:worker_threads') as typeof import('node:worker_threads');
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  if (!isMainThread) {
    channel.onmessage = (event): void => {
      const message = (event as { data: Message }).data;
      if (message.type !== 'flush') return;
      void strategy.shutdown(message.budgetMs).then(() => channel.postMessage({ type: 'flushed' } satisfies Message));
    };
    channel.postMessage({ type: 'ready' } satisfies Message);
    return;
  }
  let workers = 0;
  let flushed = 0;
  let allFlushed: (() => void) | undefined;
  channel.onmessage = (event): void => {
    const message = (event as { data: Message }).data;
    if (message.type === 'ready') workers += 1;
    if (message.type === 'flushed' && ++flushed >= workers) allFlushed?.();
  };
  process.once('SIGTERM', () => {
    const workersDone = workers === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allFlushed = resolve));
    if (workers > 0) channel.postMessage({ type: 'flush', budgetMs } satisfies Message);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, budgetMs).unref());
    void Promise.all([strategy.shutdown(budgetMs), Promise.race([workersDone, timeout])]).then(() => {
      channel.close();
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  });
}
