import { combineFlushables } from '../../../src/flush/flush-strategy.ts';
import { flushBudgetMs, withinBudget } from '../../../src/flush/time-budget.ts';

describe('withinBudget', () => {
  it('reports done when the work finishes in time', async () => {
    await expect(withinBudget(() => Promise.resolve(), 1000)).resolves.toBe('done');
  });

  it('gives up at the budget instead of waiting for work that never ends', async () => {
    const started = Date.now();

    const outcome = await withinBudget(() => new Promise(() => undefined), 50);

    expect(outcome).toBe('timed-out');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('with no budget left, still starts the work but does not wait for it', async () => {
    let started = false;

    const outcome = await withinBudget(() => ((started = true), new Promise(() => undefined)), 0);

    expect([outcome, started]).toEqual(['timed-out', true]);
  });

  it('never rejects when the work fails', async () => {
    await expect(withinBudget(() => Promise.reject(new Error('collector down')), 1000)).resolves.toBe('failed');
  });
});

describe('flushBudgetMs', () => {
  it('is the configured limit when the deadline is far', () => {
    expect(flushBudgetMs(500, 50, 10_000)).toBe(500);
  });

  it('never reaches into the margin before the deadline', () => {
    expect(flushBudgetMs(500, 50, 200)).toBe(150);
    expect(flushBudgetMs(500, 50, 20)).toBe(0);
  });
});

describe('combineFlushables', () => {
  it('flushes every one, and resolves even when one of them fails', async () => {
    const flushed: string[] = [];
    const flushable = (name: string, fails = false) => ({
      forceFlush: async () => {
        flushed.push(name);
        if (fails) throw new Error(`${name} failed`);
      },
      shutdown: async () => undefined,
    });

    await expect(combineFlushables([flushable('traces', true), flushable('metrics')]).forceFlush()).resolves.toBeUndefined();
    expect(flushed).toEqual(['traces', 'metrics']);
  });
});
