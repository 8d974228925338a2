import { ExportSlots, type ExportAbort } from '../../../src/exporters/export-slots.ts';

/** A task that runs until its signal aborts (a request to a collector that never answers). */
const hangsUntilAborted = (signal: ExportAbort): Promise<string> =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));

describe('ExportSlots', () => {
  it('runs tasks side by side up to its capacity', async () => {
    // Prepare
    const slots = new ExportSlots(2);
    const signals: ExportAbort[] = [];

    // Act
    const first = slots.run(async (signal) => (signals.push(signal), 'one'));
    const second = slots.run(async (signal) => (signals.push(signal), 'two'));

    // Assess
    await expect(Promise.all([first, second])).resolves.toEqual(['one', 'two']);
    expect(signals.map((signal) => signal.aborted)).toEqual([false, false]);
    expect(slots.inUse).toBe(0);
  });

  it('aborts the oldest task to make room for a new one once every slot is taken', async () => {
    // Prepare
    const slots = new ExportSlots(2);
    const oldest = slots.run(hangsUntilAborted);
    const second = slots.run(hangsUntilAborted);

    // Act
    const newest = slots.run(async () => 'sent');

    // Assess
    await expect(oldest).rejects.toThrow('2 exports were already waiting for the OTLP endpoint');
    await expect(newest).resolves.toBe('sent');
    expect(slots.inUse).toBe(1);
    void second.catch(() => undefined);
  });

  it('never holds more tasks than its capacity, however many start', async () => {
    // Prepare
    const slots = new ExportSlots(3);
    const tasks: Promise<string>[] = [];

    // Act
    for (let index = 0; index < 20; index++) tasks.push(slots.run(hangsUntilAborted));
    const outcomes = await Promise.allSettled(tasks.slice(0, 17));

    // Assess
    expect(slots.inUse).toBe(3);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    for (const task of tasks.slice(17)) void task.catch(() => undefined);
  });
});
