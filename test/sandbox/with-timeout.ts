/** Bounded waiting: every wait in the sandbox goes through here so none can hang a test run. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves like `promise`, or rejects with `message` after `ms`.
 * @example await withTimeout(server.ready, 5000, 'runtime did not call /next')
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const DEADLINE = { kind: 'deadline' } as const;

/**
 * Races `promises` against a timer that is cleared afterwards, so a finished race leaves no
 * timer keeping the process alive. Resolves with the winner or DEADLINE.
 */
export async function raceDeadline<P extends readonly Promise<unknown>[]>(
  promises: [...P],
  ms: number,
): Promise<Awaited<P[number]> | typeof DEADLINE> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(DEADLINE), Math.max(0, ms));
  });
  try {
    return (await Promise.race([...promises, expired])) as Awaited<P[number]> | typeof DEADLINE;
  } finally {
    clearTimeout(timer);
  }
}
