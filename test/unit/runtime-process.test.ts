import { claimRuntime, RUNTIME_MARK } from '../../src/runtime-process.ts';

describe('claimRuntime (main thread)', () => {
  it('claims the process otel-handler marked and gives NODE_OPTIONS back its own value', () => {
    const env: NodeJS.ProcessEnv = { [RUNTIME_MARK]: '=--max-old-space-size=300', NODE_OPTIONS: '--max-old-space-size=300 --import "/opt/otel-lambda/bootstrap.mjs"', OTHER: 'x' };

    expect(claimRuntime(env)).toBe(true);
    expect(env).toEqual({ NODE_OPTIONS: '--max-old-space-size=300', OTHER: 'x' });
  });

  it('removes NODE_OPTIONS when the function had none, and keeps an empty one empty', () => {
    const unset: NodeJS.ProcessEnv = { [RUNTIME_MARK]: 'unset', NODE_OPTIONS: '--import "/opt/otel-lambda/bootstrap.mjs"' };
    const empty: NodeJS.ProcessEnv = { [RUNTIME_MARK]: '=', NODE_OPTIONS: '--import "/opt/otel-lambda/bootstrap.mjs"' };

    expect([claimRuntime(unset), claimRuntime(empty)]).toEqual([true, true]);
    expect([unset, empty]).toEqual([{}, { NODE_OPTIONS: '' }]);
  });

  it('leaves a process otel-handler did not start alone: a node child of the function', () => {
    const env: NodeJS.ProcessEnv = { NODE_OPTIONS: '--import "/opt/otel-lambda/bootstrap.mjs"' };

    expect(claimRuntime(env)).toBe(false);
    expect(env).toEqual({ NODE_OPTIONS: '--import "/opt/otel-lambda/bootstrap.mjs"' });
  });

  it('on Managed Instances, leaves the main thread environment for the runtime client to copy into its worker threads', () => {
    const env: NodeJS.ProcessEnv = { [RUNTIME_MARK]: 'unset', NODE_OPTIONS: '--import "/opt/otel-lambda/bootstrap.mjs"', AWS_LAMBDA_MAX_CONCURRENCY: '8' };

    expect(claimRuntime(env)).toBe(true);
    expect(env).toEqual({ [RUNTIME_MARK]: 'unset', NODE_OPTIONS: '--import "/opt/otel-lambda/bootstrap.mjs"', AWS_LAMBDA_MAX_CONCURRENCY: '8' });
  });
});
