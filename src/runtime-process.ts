/**
 * Set by otel-handler for the one process it execs, the runtime: the function's own NODE_OPTIONS
 * as it was before the layer's preload was added (`=` and the value), or `unset`.
 */
export const RUNTIME_MARK = '_OTEL_LAMBDA_NODE_OPTIONS';

/**
 * Whether the layer starts here: in the Lambda runtime process and, on Lambda Managed Instances,
 * in the runtime client's own worker threads; nowhere else. A node child process inherits
 * NODE_OPTIONS, and Node runs the preload in a worker thread too (one started with the default
 * options inherits it; one given an `env` reads NODE_OPTIONS from it): neither should pay for the
 * layer or print anything of it.
 *
 * Where it starts, NODE_OPTIONS gets back the function's own value at once and the mark goes, so
 * the function's `process.env` is the bare runtime's and whatever it starts inherits the
 * function's NODE_OPTIONS, without the preload and without the mark.
 *
 * On Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY, which is what ric v4 checks too) the main
 * thread runs no function code: ric v4 starts worker threads with a copy of its environment
 * (`env: process.env`), and Node reads the workers' NODE_OPTIONS from that copy. So the main
 * thread leaves both as they are, and each of those workers finds the preload and the mark.
 */
export function claimRuntime(env: NodeJS.ProcessEnv): boolean {
  const saved = env[RUNTIME_MARK];
  if (saved === undefined) return false;
  // getBuiltinModule (Node ≥ 22.3) rather than an import: the bundle's import of a built-in goes
  // through esbuild's require helper, one more file to load in every thread and child.
  const { isMainThread } = process.getBuiltinModule('node:worker_threads');
  if (isMainThread && env['AWS_LAMBDA_MAX_CONCURRENCY'] !== undefined) return true;
  delete env[RUNTIME_MARK];
  if (saved.startsWith('=')) env['NODE_OPTIONS'] = saved.slice(1);
  else delete env['NODE_OPTIONS'];
  return true;
}
