import { ExtensionsApiClient, type ExtensionEvent } from '../extension/extensions-api-client.ts';
import type { LambdaContextLike } from '../invocation/invocation-attributes.ts';
import { describeError, log } from '../log.ts';
import type { FlushStrategy, Flushable } from './flush-strategy.ts';
import type { FlushWaiter } from './flush-waiter.ts';
import type { FlushBudget } from './sync-flush.ts';
import { flushBudgetMs, remainingTimeOf, withinBudget } from './time-budget.ts';

export const INTERNAL_EXTENSION_NAME = 'otel-lambda-layer';

interface FinishedEntry {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
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

  async afterInvocation(lambdaContext: LambdaContextLike): Promise<void> {
    if (this.loopStopped) {
      await this.waiter.flush(flushBudgetMs(this.budget.flushTimeoutMs, this.budget.deadlineMarginMs, remainingTimeOf(lambdaContext)));
      return;
    }
    if (lambdaContext.awsRequestId !== undefined) this.entryFor(lambdaContext.awsRequestId).resolve();
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
    if (event.requestId !== undefined) {
      const entry = this.entryFor(event.requestId);
      // Bounded by the deadline: an invocation that never reports back must not hold Lambda.
      await withinBudget(() => entry.promise, deadline - margin - Date.now());
      this.finished.delete(event.requestId);
    }
    // The invocation ends as the runtime posts its result (after the event loop ran empty, for
    // a Node 22 callback handler that waits for it); the post goes out within the same turn of
    // the event loop, so the export starts after it and never holds it back.
    await new Promise((resolve) => setImmediate(resolve));
    await this.waiter.flush(Math.min(this.budget.flushTimeoutMs, deadline - margin - Date.now()));
  }

  private entryFor(requestId: string): FinishedEntry {
    let entry = this.finished.get(requestId);
    if (entry === undefined) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      entry = { promise, resolve };
      this.finished.set(requestId, entry);
    }
    return entry;
  }
}
