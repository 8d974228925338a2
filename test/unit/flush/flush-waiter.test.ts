import { FlushWaiter } from '../../../src/flush/flush-waiter.ts';
import type { Flushable } from '../../../src/flush/flush-strategy.ts';

/** A flush target whose flushes finish when the test says so. */
function controllableTarget(): Flushable & { flushes: number; finishAll(ok: boolean): void } {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  return {
    flushes: 0,
    forceFlush() {
      this.flushes++;
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
    shutdown: () => Promise.resolve(),
    finishAll(ok: boolean) {
      for (const flush of pending.splice(0)) {
        if (ok) flush.resolve();
        else flush.reject(new Error('export failed'));
      }
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FlushWaiter', () => {
  it('waits for a flush that finishes within the budget', async () => {
    // Prepare
    const target = controllableTarget();
    const waiter = new FlushWaiter(target, { healthy: true, exportedSpans: 0, droppedSpans: 0 });
    let done = false;

    // Act
    const flushing = waiter.flush(1000).then(() => (done = true));
    await tick();
    const doneBeforeExport = done;
    target.finishAll(true);
    await flushing;

    // Assess
    expect([doneBeforeExport, done]).toEqual([false, true]);
  });

  it('stops waiting after one overrun, still flushes, and waits again once an export succeeds', async () => {
    // Prepare
    const target = controllableTarget();
    const waiter = new FlushWaiter(target, { healthy: true, exportedSpans: 0, droppedSpans: 0 });

    // Act: the first flush overruns its budget.
    const started = Date.now();
    await waiter.flush(30);
    const firstWait = Date.now() - started;
    const second = Date.now();
    await waiter.flush(5000);
    const secondWait = Date.now() - second;
    target.finishAll(true);
    await tick();
    let thirdDone = false;
    const third = waiter.flush(1000).then(() => (thirdDone = true));
    await tick();
    const thirdWaited = !thirdDone;
    target.finishAll(true);
    await third;

    // Assess
    expect(firstWait).toBeGreaterThanOrEqual(25);
    expect(secondWait).toBeLessThan(1000);
    expect(target.flushes).toBe(3);
    expect(thirdWaited).toBe(true);
  });

  it('does not wait while the exporter reports the collector unhealthy', async () => {
    // Prepare
    const target = controllableTarget();
    const waiter = new FlushWaiter(target, { healthy: false, exportedSpans: 0, droppedSpans: 3 });

    // Act
    await waiter.flush(10_000);

    // Assess: returned at once, with the flush still started.
    expect(target.flushes).toBe(1);
    target.finishAll(false);
  });

  it('with no time left before the deadline margin, starts the flush, says so plainly, and keeps waiting for later invocations', async () => {
    // Prepare: what a deferred flush computed for an invocation that ended 3 ms into the margin.
    const target = controllableTarget();
    const waiter = new FlushWaiter(target, { healthy: true, exportedSpans: 0, droppedSpans: 0 });
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);

    // Act
    try {
      await waiter.flush(-3);
      await waiter.flush(0);
      let laterDone = false;
      const later = waiter.flush(1000).then(() => (laterDone = true));
      await tick();
      const laterWaited = !laterDone;
      target.finishAll(true);
      await later;

      // Assess
      expect(target.flushes).toBe(3);
      expect(laterWaited).toBe(true);
    } finally {
      write.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('no time left to wait for its span flush');
    expect(lines.join('')).not.toMatch(/-\d+ ms/);
  });
});
