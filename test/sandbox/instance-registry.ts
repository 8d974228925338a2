/**
 * Every live function instance, so that no runtime or extension process outlives the test run:
 * `killAllFunctions()` for jest teardown, and a synchronous SIGKILL on process exit.
 */

export interface Killable {
  /** Graceful-enough teardown that resolves when every process has exited. */
  kill(): Promise<void>;
  /** Synchronous SIGKILL of every process group (for the 'exit' hook, where nothing async runs). */
  killNow(): void;
}

const live = new Set<Killable>();
let hooked = false;

export function track(instance: Killable): void {
  live.add(instance);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const i of live) i.killNow();
    });
  }
}

export function untrack(instance: Killable): void {
  live.delete(instance);
}

/**
 * Kills every function instance started in this process and waits for their processes to exit.
 * @example afterAll(() => killAllFunctions());
 */
export async function killAllFunctions(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((i) => i.kill()));
}
