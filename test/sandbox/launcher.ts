/**
 * Starts a function the way Lambda's managed Node.js runtime does and invokes it.
 * The instance outlives execution environments: after a timeout, crash or init error the next
 * invoke starts a fresh environment (a cold start), as Lambda does.
 */
import { nowMs } from './http-io.ts';
import { ExecutionEnvironment } from './execution-environment.ts';
import { resolveSpec, runtimePaths } from './function-spec.ts';
import type { FunctionSpec, ResolvedSpec } from './function-spec.ts';
import { track, untrack } from './instance-registry.ts';
import type { InvokeOptions, InvokeResult } from './invoke-result.ts';
import { isManagedInstances } from './lambda-env.ts';
import type { LogLine } from './managed-process.ts';
import { readProcMemory } from './proc-memory.ts';
import { newRequestId, newTraceHeader } from './trace-header.ts';
import { DEADLINE, raceDeadline } from './with-timeout.ts';

/** How long an environment whose init failed is left for its runtime to exit on its own. */
const RUNTIME_EXIT_AFTER_INIT_ERROR_MS = 2000;

/** Lambda's shutdownReason values (sent lowercase by the service). */
export type ShutdownReason = 'spindown' | 'timeout' | 'failure';

export interface LambdaInstance {
  readonly spec: ResolvedSpec;
  /** Runtime and extension output of every environment, in arrival order. */
  readonly logs: LogLine[];
  /** Invokes the function; an object is sent as JSON, a Buffer as is. */
  invoke(event?: unknown, opts?: InvokeOptions): Promise<InvokeResult>;
  /** Ends the current environment through Lambda's shutdown phase and stops tracking the instance. */
  shutdown(reason?: ShutdownReason): Promise<void>;
  /** The current environment (Runtime API log, registered extensions, pids), if any. */
  environment(): ExecutionEnvironment | undefined;
  /** How many environments were started (1 + re-inits). */
  coldStarts(): number;
  runtimePid(): number | undefined;
  /** VmRSS of the runtime process now, in kB. */
  rssKb(): number | undefined;
  /** Highest VmHWM seen for the runtime processes of this instance, in kB. */
  peakRssKb(): number | undefined;
}

function encodeEvent(event: unknown): Buffer {
  if (Buffer.isBuffer(event)) return event;
  return Buffer.from(JSON.stringify(event === undefined ? {} : event));
}

class Instance implements LambdaInstance {
  readonly spec: ResolvedSpec;
  readonly logs: LogLine[] = [];
  #env: ExecutionEnvironment | undefined;
  #previous: Promise<void> = Promise.resolve();
  #chain: Promise<unknown> = Promise.resolve();
  #coldStarts = 0;
  #peakKb: number | undefined;
  #stopped = false;

  constructor(spec: ResolvedSpec) {
    this.spec = spec;
  }

  async startEnvironment(): Promise<ExecutionEnvironment> {
    // A new environment starts only once the old one's processes are gone.
    await this.#previous;
    const env = new ExecutionEnvironment(this.spec, runtimePaths(this.spec.node, this.spec.ric), this.logs);
    this.#env = env;
    this.#coldStarts++;
    await env.start();
    return env;
  }

  invoke(event?: unknown, opts: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.#stopped) return Promise.reject(new Error('sandbox: invoke after shutdown'));
    const run = (): Promise<InvokeResult> => this.#invokeNow(encodeEvent(event), opts);
    // Lambda sends one event at a time to an environment, except on Managed Instances.
    if (isManagedInstances(this.spec.env)) return run();
    const next = this.#chain.then(run, run);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #invokeNow(event: Buffer, opts: InvokeOptions): Promise<InvokeResult> {
    const sentAt = nowMs();
    const requestId = opts.requestId ?? newRequestId();
    const traceHeader = opts.traceHeader ?? newTraceHeader();
    const env = this.#env && !this.#env.ended ? this.#env : await this.startEnvironment();
    const init = await env.init;
    const firstOnEnv = !env.initReported;
    env.initReported = true;
    if (!init.ok) {
      // The runtime client exits on its own once it has reported the error (v3 with 129, v4 by
      // rethrowing it); Lambda resets the environment after that, so the exit is kept.
      const exited = env.runtime === undefined ? DEADLINE : await raceDeadline([env.runtime.exited], RUNTIME_EXIT_AFTER_INIT_ERROR_MS);
      // Not awaited here: the teardown is tracked in #previous, which the next start waits for.
      void this.#retire(env, 'failure', 'SIGKILL');
      const result: InvokeResult = {
        requestId,
        traceHeader,
        status: 'init-error',
        error: init.error,
        streamed: false,
        timings: { sentAt, extensionsBackAt: {}, initErrorAt: init.at },
        initDurationMs: init.durationMs,
        logs: this.logs.filter((l) => l.at >= init.startedAt),
      };
      if (exited !== DEADLINE && 'code' in exited) result.runtimeExit = { code: exited.code, signal: exited.signal };
      return result;
    }
    const input = { requestId, event, traceHeader, ...pick(opts) };
    const result: InvokeResult = await env.invoke(input, sentAt);
    if (firstOnEnv) result.initDurationMs = init.durationMs;
    this.#sampleMemory(env);
    const fatal = result.status === 'timeout' || result.status === 'crash' || result.postResponseTimeout === true;
    // On Managed Instances other invocations share the environment, so only a crash resets it.
    if (fatal && (!env.managedInstances || result.status === 'crash')) {
      void this.#retire(env, result.status === 'timeout' || result.postResponseTimeout ? 'timeout' : 'failure', 'SIGKILL');
    }
    return result;
  }

  /** Starts the environment's teardown; the next environment waits for it. */
  #retire(env: ExecutionEnvironment, reason: ShutdownReason, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    this.#sampleMemory(env);
    const done = env.terminate(reason, signal);
    this.#previous = done.catch(() => undefined);
    if (this.#env === env) this.#env = undefined;
    return done;
  }

  async shutdown(reason: ShutdownReason = 'spindown'): Promise<void> {
    this.#stopped = true;
    untrack(this);
    await this.#chain;
    const env = this.#env;
    if (env) await this.#retire(env, reason, 'SIGTERM');
    await this.#previous;
  }

  async kill(): Promise<void> {
    this.#stopped = true;
    const env = this.#env;
    if (env) {
      env.killNow();
      await this.#retire(env, 'failure', 'SIGKILL');
    }
    await this.#previous;
  }

  killNow(): void {
    this.#env?.killNow();
  }

  environment(): ExecutionEnvironment | undefined {
    return this.#env;
  }

  coldStarts(): number {
    return this.#coldStarts;
  }

  runtimePid(): number | undefined {
    const runtime = this.#env?.runtime;
    return runtime?.running ? runtime.pid : undefined;
  }

  rssKb(): number | undefined {
    const pid = this.runtimePid();
    return pid === undefined ? undefined : readProcMemory(pid)?.rssKb;
  }

  peakRssKb(): number | undefined {
    if (this.#env) this.#sampleMemory(this.#env);
    return this.#peakKb;
  }

  #sampleMemory(env: ExecutionEnvironment): void {
    const runtime = env.runtime;
    if (!runtime?.running) return;
    const mem = readProcMemory(runtime.pid);
    if (mem) this.#peakKb = Math.max(this.#peakKb ?? 0, mem.hwmKb);
  }
}

function pick(opts: InvokeOptions): Partial<Pick<InvokeOptions, 'clientContext' | 'cognitoIdentity' | 'tenantId'>> {
  const out: Partial<Pick<InvokeOptions, 'clientContext' | 'cognitoIdentity' | 'tenantId'>> = {};
  if (opts.clientContext !== undefined) out.clientContext = opts.clientContext;
  if (opts.cognitoIdentity !== undefined) out.cognitoIdentity = opts.cognitoIdentity;
  if (opts.tenantId !== undefined) out.tenantId = opts.tenantId;
  return out;
}

/**
 * Starts a function instance: its first environment begins init at once; `invoke` waits for it.
 * @example
 * const fn = await startFunction({ node: 24, ric: 'v4', taskRoot: dir, handler: 'index.handler' });
 * const res = await fn.invoke({ hello: 'world' });
 * await fn.shutdown();
 */
export async function startFunction(spec: FunctionSpec): Promise<LambdaInstance> {
  const instance = new Instance(resolveSpec(spec));
  track(instance);
  await instance.startEnvironment();
  return instance;
}
