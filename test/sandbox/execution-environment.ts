/**
 * One Lambda execution environment: its Runtime/Extensions API server, external extension
 * processes and the runtime process, from init to shutdown. A timeout, crash or init failure
 * ends the environment; the instance then starts a fresh one (a cold start), as Lambda does.
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exitError, parseFunctionError, timeoutError } from './function-error.ts';
import type { FunctionError } from './function-error.ts';
import type { ResolvedSpec, RuntimePaths } from './function-spec.ts';
import { nowMs } from './http-io.ts';
import type { InvokeResult, InvokeTimings } from './invoke-result.ts';
import { buildExtensionEnv, buildRuntimeEnv, isManagedInstances } from './lambda-env.ts';
import { ManagedProcess } from './managed-process.ts';
import type { LogLine, ProcessExit } from './managed-process.ts';
import { RuntimeApi } from './runtime-api.ts';
import type { InvocationInput, RuntimeResult } from './runtime-api.ts';
import { runtimeCommand } from './runtime-command.ts';
import { raceDeadline, withTimeout } from './with-timeout.ts';

export type InitOutcome =
  | { ok: true; startedAt: number; doneAt: number; durationMs: number }
  | { ok: false; startedAt: number; at: number; durationMs: number; error: FunctionError };

/** Shutdown phase limits from the Extensions API docs ("Shutdown phase"). */
const SHUTDOWN_WITH_EXTERNAL_MS = 2000;
const RUNTIME_SHARE_MS = 300;
const RUNTIME_SHARE_WITH_INTERNAL_MS = 500;
/** Bound on waiting for SIGKILLed processes to be reaped. */
const REAP_TIMEOUT_MS = 5000;

/** Executables in `<layer>/extensions`, sorted: Lambda starts every one as an external extension. */
export function findExternalExtensions(layerDir: string | undefined): string[] {
  if (!layerDir) return [];
  const dir = join(layerDir, 'extensions');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((name) => {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

export class ExecutionEnvironment {
  readonly api: RuntimeApi;
  readonly spec: ResolvedSpec;
  readonly startedAt = nowMs();
  readonly extensionNames: string[];
  extensions: ManagedProcess[] = [];
  runtime: ManagedProcess | undefined;
  /** Settles once init succeeded or failed; never rejects. */
  init!: Promise<InitOutcome>;
  initReported = false;
  #paths: RuntimePaths;
  #logs: LogLine[];
  #ended = false;
  #disposed: Promise<void> | undefined;

  constructor(spec: ResolvedSpec, paths: RuntimePaths, logs: LogLine[]) {
    this.spec = spec;
    this.#paths = paths;
    this.#logs = logs;
    this.extensionNames = findExternalExtensions(spec.layerDir);
    const maxConcurrency = spec.env?.AWS_LAMBDA_MAX_CONCURRENCY;
    this.api = new RuntimeApi({
      functionName: spec.functionName,
      handler: spec.handler,
      region: spec.region,
      accountId: spec.accountId,
      timeoutMs: spec.timeoutMs,
      externalExtensionNames: this.extensionNames,
      ...(maxConcurrency !== undefined ? { maxConcurrency: Math.max(1, Number(maxConcurrency) || 1) } : {}),
    });
  }

  /** Starts the API and the extensions; `init` tracks the rest (runtime start, readiness). */
  async start(): Promise<void> {
    const address = await this.api.start();
    const runtimeEnv = buildRuntimeEnv(this.spec, this.#paths, address);
    const extensionEnv = buildExtensionEnv(runtimeEnv);
    this.extensions = this.extensionNames.map(
      (name) =>
        new ManagedProcess({
          file: join(this.spec.layerDir ?? '', 'extensions', name),
          args: [],
          cwd: this.spec.taskRoot,
          env: extensionEnv,
          source: `extension:${name}`,
          sink: this.#logs,
          echo: this.spec.echoLogs ?? false,
        }),
    );
    for (const ext of this.extensions) {
      void ext.exited.then(() => this.api.forgetExtension(ext.source.slice('extension:'.length)));
    }
    this.init = this.#runInit(runtimeEnv);
  }

  get ended(): boolean {
    return this.#ended || (this.runtime !== undefined && !this.runtime.running);
  }

  get managedInstances(): boolean {
    return isManagedInstances(this.spec.env);
  }

  async #runInit(runtimeEnv: Record<string, string>): Promise<InitOutcome> {
    const startedAt = this.startedAt;
    const fail = (error: FunctionError, at: number = nowMs()): InitOutcome => ({ ok: false, startedAt, at, durationMs: at - startedAt, error });
    const deadline = startedAt + this.spec.initTimeoutMs;
    const extensionExit = Promise.race(
      this.extensions.map((e) => e.exited.then((exit) => ({ name: e.source, exit }))),
    );
    // Extension init: Lambda starts the runtime once every external extension has registered.
    const registered = await raceDeadline(
      [
        this.api.externalsRegistered.then(() => ({ kind: 'registered' as const })),
        extensionExit.then((e) => ({ kind: 'exit' as const, e })),
      ],
      Math.max(0, deadline - nowMs()),
    );
    if (registered.kind === 'deadline') {
      const names = this.api.registeredExternalNames().join(', ') || 'none';
      return fail(initTimeout(this.spec.initTimeoutMs, `extensions registered: ${names} of ${this.extensionNames.join(', ')}`));
    }
    if (registered.kind === 'exit') return fail(extensionCrash(registered.e));
    const cmd = runtimeCommand(this.spec, this.#paths);
    this.runtime = new ManagedProcess({
      file: cmd.file,
      args: cmd.args,
      cwd: this.spec.taskRoot,
      env: runtimeEnv,
      source: 'runtime',
      sink: this.#logs,
      echo: this.spec.echoLogs ?? false,
      telemetryLog: runtimeEnv._LAMBDA_TELEMETRY_LOG_FD !== undefined,
    });
    const runtimeExit = this.runtime.exited;
    const outcome = await raceDeadline(
      [
        this.api.initDone.then((doneAt) => ({ kind: 'done' as const, doneAt })),
        this.api.initFailed.then((failure) => ({ kind: 'failed' as const, failure })),
        runtimeExit.then((exit) => ({ kind: 'runtime-exit' as const, exit })),
        extensionExit.then((e) => ({ kind: 'extension-exit' as const, e })),
      ],
      Math.max(0, deadline - nowMs()),
    );
    switch (outcome.kind) {
      case 'done':
        return { ok: true, startedAt, doneAt: outcome.doneAt, durationMs: outcome.doneAt - startedAt };
      case 'failed':
        // When the runtime's init error POST arrived (read in full).
        return fail(outcome.failure.error, outcome.failure.at);
      case 'runtime-exit':
        return fail(exitError(undefined, outcome.exit.code, outcome.exit.signal));
      case 'extension-exit':
        return fail(extensionCrash(outcome.e));
      default:
        return fail(initTimeout(this.spec.initTimeoutMs, this.api.log.map((l) => l.what).slice(-5).join('; ')));
    }
  }

  /** Runs one invocation on an initialised environment. */
  async invoke(input: InvocationInput, sentAt: number): Promise<Omit<InvokeResult, 'initDurationMs'>> {
    const runtime = this.runtime;
    if (!runtime) throw new Error('sandbox: invoke before the runtime was started');
    const inv = this.api.enqueue(input);
    let posted: RuntimeResult | undefined;
    void inv.result.then((r) => (posted = r));
    const timings: InvokeTimings = { sentAt, extensionsBackAt: inv.extensionsBackAt };
    const exit = runtime.exited.then((e) => ({ kind: 'exit' as const, exit: e }));
    const base = { requestId: input.requestId, traceHeader: input.traceHeader ?? '', streamed: false, timings };

    // In managed-instances mode an event may queue behind busy workers; elsewhere dispatch is immediate.
    const dispatchBound = this.spec.timeoutMs + 60_000;
    const dispatched = await raceDeadline(
      [
        inv.dispatched.then((at) => ({ kind: 'value' as const, at })),
        exit,
      ],
      dispatchBound,
    );
    if (dispatched.kind === 'deadline') {
      throw new Error(`sandbox: invocation ${input.requestId} was not picked up by the runtime within ${dispatchBound} ms`);
    }
    if (dispatched.kind === 'exit') {
      return { ...base, status: 'crash', error: exitError(input.requestId, dispatched.exit.code, dispatched.exit.signal), logs: [] };
    }
    timings.dispatchedAt = dispatched.at;
    // The function timeout bounds the whole invoke phase, extensions' post-processing included.
    const deadlineAt = dispatched.at + this.spec.timeoutMs;
    const ended = await raceDeadline(
      [
        inv.finished.then((at) => ({ kind: 'finished' as const, at })),
        exit,
      ],
      Math.max(0, deadlineAt - nowMs()),
    );
    if (ended.kind === 'finished') timings.finishedAt = ended.at;
    if (inv.runtimeBackAt !== undefined) timings.runtimeBackAt = inv.runtimeBackAt;
    const logs = this.#logs.filter((l) => l.at >= dispatched.at && l.at <= (timings.finishedAt ?? nowMs()));
    const result = posted;
    if (!result) {
      if (ended.kind === 'exit') {
        return { ...base, status: 'crash', error: exitError(input.requestId, ended.exit.code, ended.exit.signal), logs };
      }
      return { ...base, status: 'timeout', error: timeoutError(this.spec.timeoutMs), logs };
    }
    timings.responseAt = result.completedAt;
    const out: Omit<InvokeResult, 'initDurationMs'> = {
      ...base,
      status: result.kind === 'response' ? 'success' : 'error',
      body: result.body,
      streamed: result.streamed,
      logs,
    };
    if (result.contentType !== undefined) out.contentType = result.contentType;
    if (result.streamed) out.chunks = result.chunks;
    if (result.error) out.error = result.error;
    if (ended.kind === 'deadline') out.postResponseTimeout = true;
    return out;
  }

  /**
   * Ends the environment the way Lambda's shutdown phase does: the runtime gets SIGTERM only
   * when extensions are registered (otherwise SIGKILL), with up to 300 ms (500 ms with an internal
   * extension); then external extensions get SHUTDOWN and the rest of the 2000 ms; then SIGKILL.
   * `runtimeSignal: 'SIGKILL'` is the reset after a timeout or crash.
   */
  terminate(reason: string, runtimeSignal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    this.#disposed ??= this.#terminate(reason, runtimeSignal);
    return this.#disposed;
  }

  async #terminate(reason: string, runtimeSignal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    this.#ended = true;
    const phaseStart = nowMs();
    const registered = this.api.extensions();
    const hasInternal = registered.some((e) => !e.external);
    const runtime = this.runtime;
    if (runtime?.running) {
      if (runtimeSignal === 'SIGTERM' && registered.length > 0) {
        runtime.signal('SIGTERM');
        await raceDeadline([runtime.exited], hasInternal ? RUNTIME_SHARE_WITH_INTERNAL_MS : RUNTIME_SHARE_MS);
      }
      runtime.signal('SIGKILL');
    }
    const running = this.extensions.filter((e) => e.running);
    if (running.length > 0) {
      this.api.shutdown(reason, Math.round(phaseStart + SHUTDOWN_WITH_EXTERNAL_MS));
      const left = Math.max(0, phaseStart + SHUTDOWN_WITH_EXTERNAL_MS - nowMs());
      await raceDeadline([Promise.all(running.map((e) => e.exited))], left);
    }
    this.killNow();
    const all = [...this.extensions, ...(runtime ? [runtime] : [])];
    await withTimeout(Promise.all(all.map((p) => p.exited)), REAP_TIMEOUT_MS, 'sandbox: processes did not exit after SIGKILL');
    await this.api.close();
  }

  /** Synchronous last resort (process 'exit' hook): SIGKILL every process group. */
  killNow(): void {
    this.#ended = true;
    this.runtime?.signal('SIGKILL');
    for (const e of this.extensions) e.signal('SIGKILL');
  }

  pids(): number[] {
    return [...this.extensions, ...(this.runtime ? [this.runtime] : [])].map((p) => p.pid);
  }
}

function extensionCrash(e: { name: string; exit: ProcessExit }): FunctionError {
  const how = e.exit.signal ? `signal ${e.exit.signal}` : `exit status ${e.exit.code ?? '?'}`;
  const body = { errorType: 'Extension.Crash', errorMessage: `${e.name} exited during init (${how})` };
  return parseFunctionError(Buffer.from(JSON.stringify(body)));
}

function initTimeout(ms: number, detail: string): FunctionError {
  const body = { errorType: 'Sandbox.Timedout', errorMessage: `Init timed out after ${(ms / 1000).toFixed(2)} seconds (${detail})` };
  return parseFunctionError(Buffer.from(JSON.stringify(body)));
}
