import { SpanStatusCode, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Remembers the spans that started and have not ended, per trace, so that when an invocation
 * times out the spans that explain the hang (a pending HTTP call, a query) can be ended and
 * exported instead of dying with the sandbox. Holds only open spans; entries go as spans end
 * and a trace's entries go when its invocation finishes, so it cannot grow without bound.
 */
const MAX_TRACKED_TRACES = 1000;

export class OpenSpanTracker implements SpanProcessor {
  private readonly openByTrace = new Map<string, Set<Span>>();

  onStart(span: Span, _parentContext: Context): void {
    const traceId = span.spanContext().traceId;
    let open = this.openByTrace.get(traceId);
    if (open === undefined) {
      // Spans that never end outside any invocation must not pile up: the oldest trace goes.
      if (this.openByTrace.size >= MAX_TRACKED_TRACES) this.openByTrace.delete(this.openByTrace.keys().next().value as string);
      open = new Set();
      this.openByTrace.set(traceId, open);
    }
    open.add(span);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const open = this.openByTrace.get(traceId);
    if (open === undefined) return;
    open.delete(span as Span);
    if (open.size === 0) this.openByTrace.delete(traceId);
  }

  /** Ends every open span of the trace, except `keep`, as failed for `reason`. */
  endOpenSpans(traceId: string, keep: unknown, reason: string, attributes: Record<string, boolean | string>): number {
    const open = [...(this.openByTrace.get(traceId) ?? [])].filter((span) => span !== keep);
    for (const span of open) {
      span.setAttributes(attributes);
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      span.end();
    }
    return open.length;
  }

  /** Forgets a finished invocation's trace; spans still open stay valid, just untracked. */
  forget(traceId: string): void {
    this.openByTrace.delete(traceId);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.openByTrace.clear();
    return Promise.resolve();
  }
}
