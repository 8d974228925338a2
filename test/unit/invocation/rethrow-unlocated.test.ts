import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runtimePaths } from '../../sandbox/index.ts';
import { REPO_ROOT } from '../../support/paths.ts';

const PROBE = join(__dirname, 'rethrow-unlocated-probe.mjs');
const CRASH_GUARD = join(REPO_ROOT, 'src/invocation/crash-guard.ts');

describe('a held crash thrown again', () => {
  it.each([
    ['by default', []],
    ['when the process may not compile code from strings', ['--disallow-code-generation-from-strings']],
  ])('crashes the process with the function’s own error %s', (_label, flags: string[]) => {
    // Act
    const result = spawnSync(runtimePaths(24, 'v4').nodeBinary, [...flags, PROBE, CRASH_GUARD], { encoding: 'utf8' });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Error: boom from the function');
    expect(result.stderr).not.toContain('EvalError');
  });
});
