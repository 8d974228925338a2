import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runtimePaths } from '../sandbox/function-spec.ts';
import { REPO_ROOT } from '../support/paths.ts';

/**
 * Runs `body` in a real Node.js (each supported major) with access to Node's timer internals,
 * after 1,000 invocation-like timers of distinct durations were started and cancelled through
 * src/unref-timer.ts; prints what the script prints.
 */
function afterThousandCancelledTimers(node: 22 | 24, body: string): string {
  const script = `
    import { startUnrefTimer, cancelUnrefTimer } from ${JSON.stringify(join(REPO_ROOT, 'src', 'unref-timer.ts'))};
    import { createRequire } from 'node:module';
    const { timerListMap } = createRequire(import.meta.url)('internal/timers');
    const before = Object.keys(timerListMap).length;
    for (let index = 0; index < 1000; index++) cancelUnrefTimer(startUnrefTimer(() => undefined, 100_000 - index));
    ${body}`;
  const result = spawnSync(runtimePaths(node, 'v4').nodeBinary, ['--expose-internals', '--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

describe.each([22, 24] as const)('unref timers on Node %i', (node) => {
  it('leave no timer list behind once cancelled, whatever their durations', () => {
    expect(afterThousandCancelledTimers(node, 'console.log(Object.keys(timerListMap).length - before);')).toBe('0');
  });

  it('never keep the process alive', () => {
    // The script would wait 100 s for the timer if it kept the event loop alive.
    const started = Date.now();
    afterThousandCancelledTimers(node, "startUnrefTimer(() => console.log('fired'), 100_000);");
    expect(Date.now() - started).toBeLessThan(50_000);
  });
});
