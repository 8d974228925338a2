import { ExtensionsApiClient, type ExtensionEvent } from '../extension/extensions-api-client.ts';
import type { LambdaContextLike } from '../invocation/invocation-attributes.ts';
import { describeError, log } from '../log.ts';
import type { CompletionHint, FlushStrategy, Flushable } from './flush-strategy.ts';
import type { FlushWaiter } from './flush-waiter.ts';
import type { FlushBudget } from './sync-flush.ts';
import { flushBudgetMs, remainingTimeOf, withinBudget } from './time-budget.ts';

export const INTERNAL_EXTENSION_NAME = 'otel-lambda-layer';

interface FinishedEntry {
  readonly promise: Promise<CompletionHint>;
  readonly resolve: (hint: CompletionHint) => void;
}

/**
 * Export after the response: the handler's result goes to the runtime at once, and an internal
 * extension, registered for INVOKE, exports the invocation's spans before it asks Lambda for
 * its next event. Lambda does not freeze the sandbox while an extension is still working on an
 * invocation, so nothing is lost, and the caller does not wait for the export.
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html#runtimes-lifecycle-invoke)
 */
export class DeferredFlush implements FlushStrategy {
  // Invocations whose span ended, waiting for the extension; or the extension waiting for them.
  private readonly finished = new Map<string, FinishedEntry>();
  /** Set when the event loop failed: invocations are then flushed before their response. */
  private loopStopped = false;
  private readonly client: ExtensionsApiClient;
  private readonly target: Flushable;
  private readonly waiter: FlushWaiter;
  private readonly budget: FlushBudget;

  constructor(runtimeApi: string, target: Flushable, waiter: FlushWaiter, budget: FlushBudget) {
    this.client = new ExtensionsApiClient(runtimeApi);
    this.target = target;
    this.waiter = waiter;
    this.budget = budget;
  }

  /** Registers during init (Lambda accepts registrations only then) and starts the event loop. */
  async start(): Promise<void> {
    await this.client.register(INTERNAL_EXTENSION_NAME, ['INVOKE']);
    void this.processEvents();
  }

  async afterInvocation(lambdaContext: LambdaContextLike, hint: CompletionHint = {}): Promise<void> {
    if (this.loopStopped) {
      await this.waiter.flush(flushBudgetMs(this.budget.flushTimeoutMs, this.budget.deadlineMarginMs, remainingTimeOf(lambdaContext)));
      return;
    }
    if (lambdaContext.awsRequestId !== undefined) this.entryFor(lambdaContext.awsRequestId).resolve(hint);
  }

  async shutdown(budgetMs: number): Promise<void> {
    await withinBudget(() => this.target.shutdown(), budgetMs);
  }

  private async processEvents(): Promise<void> {
    try {
      for (;;) {
        const event = await this.client.nextEvent();
        if (event.eventType === 'INVOKE') await this.flushInvocation(event);
      }
    } catch (error) {
      this.loopStopped = true;
      this.finished.clear();
      log.error(`the layer's internal extension stopped (${describeError(error)}); spans are now flushed before each response instead.`);
    }
  }

  private async flushInvocation(event: ExtensionEvent): Promise<void> {
    const deadline = event.deadlineMs ?? Date.now() + this.budget.flushTimeoutMs;
    const margin = this.budget.deadlineMarginMs;
    let hint: CompletionHint = {};
    if (event.requestId !== undefined) {
      const entry = this.entryFor(event.requestId);
      // Bounded by the deadline: an invocation that never reports back must not hold Lambda.
      await withinBudget(async () => (hint = await entry.promise), deadline - margin - Date.now());
      this.finished.delete(event.requestId);
    }
    // The export starts only once the runtime has posted the response: after one macrotask for
    // results the runtime posts at once, after the event loop ran empty for a Node 22 callback
    // handler that waits for it (an export in flight would otherwise hold that response back).
    if (hint.responseAfterEmptyEventLoop === true) await emptyEventLoop(deadline - margin - Date.now());
    await new Promise((resolve) => setImmediate(resolve));
    await this.waiter.flush(Math.min(this.budget.flushTimeoutMs, deadline - margin - Date.now()));
  }

  private entryFor(requestId: string): FinishedEntry {
    let entry = this.finished.get(requestId);
    if (entry === undefined) {
      let resolve: (hint: CompletionHint) => void = () => undefined;
      const promise = new Promise<CompletionHint>((done) => (resolve = done));
      entry = { promise, resolve };
      this.finished.set(requestId, entry);
    }
    return entry;
  }
}

/** Resolves when the event loop next runs empty ('beforeExit'), or after `budgetMs`; leaves no listener behind. */
async function emptyEventLoop(budgetMs: number): Promise<void> {
  let onBeforeExit: (() => void) | undefined;
  try {
    await withinBudget(() => new Promise<void>((resolve) => process.once('beforeExit', (onBeforeExit = resolve))), budgetMs);
  } finally {
    if (onBeforeExit !== undefined) process.removeListener('beforeExit', onBeforeExit);
  }
}
