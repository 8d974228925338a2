import { resolveSpec, runtimePaths } from '../../sandbox/function-spec.ts';
import { buildExtensionEnv, buildRuntimeEnv, logStreamName } from '../../sandbox/lambda-env.ts';
import { bootstrapArgv, nodeArgs, runtimeCommand } from '../../sandbox/runtime-command.ts';

const spec = resolveSpec({
  node: 24,
  ric: 'v4',
  taskRoot: '/code',
  handler: 'index.handler',
  layerDir: '/layer',
  execWrapper: '/layer/otel-handler',
  env: { OTEL_SERVICE_NAME: 'svc' },
});
const paths = runtimePaths(24, 'v4', '/repo');

describe('Lambda environment', () => {
  it('gives the runtime the managed runtime variables and nothing from the host', () => {
    const env = buildRuntimeEnv(spec, paths, '127.0.0.1:9001');
    expect(env).toMatchObject({
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_EXEC_WRAPPER: '/layer/otel-handler',
      LAMBDA_TASK_ROOT: '/code',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      OTEL_SERVICE_NAME: 'svc',
      NODE_PATH:
        '/layer/nodejs/node24/node_modules:/layer/nodejs/node_modules:/repo/node_modules/aws-lambda-ric-v4/node_modules:/repo/node_modules/aws-lambda-ric-v4:/code',
    });
    expect(env.PATH?.split(':')[0]).toBe('/repo/node_modules/node24/bin');
    expect(env.HOME).toBeUndefined();
    expect(env.AWS_LAMBDA_LOG_FORMAT).toBeUndefined();
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('marks managed instances when AWS_LAMBDA_MAX_CONCURRENCY is set', () => {
    const env = buildRuntimeEnv(resolveSpec({ ...spec, env: { AWS_LAMBDA_MAX_CONCURRENCY: '8' } }), paths, 'x:1');
    expect(env.AWS_LAMBDA_INITIALIZATION_TYPE).toBe('lambda-managed-instances');
  });

  it('gives the runtime a telemetry log fd, except on Managed Instances', () => {
    expect(buildRuntimeEnv(spec, paths, 'x:1')._LAMBDA_TELEMETRY_LOG_FD).toBe('3');
    expect(buildRuntimeEnv(resolveSpec({ ...spec, env: { AWS_LAMBDA_MAX_CONCURRENCY: '8' } }), paths, 'x:1')._LAMBDA_TELEMETRY_LOG_FD).toBeUndefined();
  });

  it('sets the log format and application log level of a JSON logging config, and neither for Text', () => {
    expect(buildRuntimeEnv(resolveSpec({ ...spec, logFormat: 'JSON' }), paths, 'x:1')).toMatchObject({ AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' });
    expect(buildRuntimeEnv(resolveSpec({ ...spec, logFormat: 'JSON', applicationLogLevel: 'WARN' }), paths, 'x:1').AWS_LAMBDA_LOG_LEVEL).toBe('WARN');
    const text = buildRuntimeEnv(resolveSpec({ ...spec, logFormat: 'Text' }), paths, 'x:1');
    expect([text.AWS_LAMBDA_LOG_FORMAT, text.AWS_LAMBDA_LOG_LEVEL]).toEqual([undefined, undefined]);
  });

  it('hides runtime-only variables from extensions', () => {
    const env = buildExtensionEnv(buildRuntimeEnv(spec, paths, '127.0.0.1:9001'));
    for (const name of ['_HANDLER', 'LAMBDA_TASK_ROOT', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_LOG_STREAM_NAME', 'NODE_PATH', '_LAMBDA_TELEMETRY_LOG_FD']) {
      expect(env[name]).toBeUndefined();
    }
    expect(env.AWS_LAMBDA_RUNTIME_API).toBe('127.0.0.1:9001');
    expect(env.OTEL_SERVICE_NAME).toBe('svc');
  });

  it('formats log stream names like Lambda', () => {
    expect(logStreamName('$LATEST', new Date('2026-11-22T10:00:00Z'))).toMatch(/^2026\/11\/22\/\[\$LATEST\][0-9a-f]{32}$/);
  });
});

describe('runtime command', () => {
  it('derives heap limits from memory like the managed bootstrap', () => {
    expect(nodeArgs(1024)).toEqual(['--expose-gc', '--max-http-header-size', '81920', '--max-semi-space-size=51', '--max-old-space-size=922']);
    expect(nodeArgs(128)).toContain('--max-old-space-size=116');
  });

  it('leaves the heap limits to the function when its NODE_OPTIONS sets one, as the managed bootstrap does', () => {
    expect(nodeArgs(1024, '--max_old_space_size=300')).toEqual(['--expose-gc', '--max-http-header-size', '81920']);
    expect(nodeArgs(1024, '--max-semi-space-size=8 --no-warnings')).toEqual(['--expose-gc', '--max-http-header-size', '81920']);
    expect(nodeArgs(1024, '--no-warnings')).toContain('--max-old-space-size=922');
  });

  it('execs the wrapper with node, its arguments and the runtime client entry', () => {
    const argv = bootstrapArgv(spec, paths);
    expect(argv[0]).toBe('/layer/otel-handler');
    expect(argv[1]).toBe('/repo/node_modules/node24/bin/node');
    expect(argv.at(-1)).toBe('/repo/node_modules/aws-lambda-ric-v4/index.mjs');
  });

  it('starts the runtime through bash exec, as the managed bootstrap script does', () => {
    const cmd = runtimeCommand(spec, paths);
    expect(cmd.file).toBe('/bin/bash');
    expect(cmd.args.slice(0, 3)).toEqual(['-c', 'exec -- "$@"', 'bootstrap']);
    expect(cmd.args.slice(3)).toEqual(bootstrapArgv(spec, paths));
  });

  it('passes the handler as argument to ric v3', () => {
    const v3 = resolveSpec({ ...spec, ric: 'v3', execWrapper: undefined });
    const argv = bootstrapArgv(v3, runtimePaths(22, 'v3', '/repo'));
    expect(argv[0]).toBe('/repo/node_modules/node22/bin/node');
    expect(argv.slice(-2)).toEqual(['/repo/node_modules/aws-lambda-ric-v3/bin/index.mjs', 'index.handler']);
  });
});
