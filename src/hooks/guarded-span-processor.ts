import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { safeCall } from './safe-call.ts';

/** A user's span processor whose failures are logged once and never reach span creation. */
export class GuardedSpanProcessor implements SpanProcessor {
  private readonly inner: SpanProcessor;
  private readonly label: string;

  constructor(inner: SpanProcessor, index: number) {
    this.inner = inner;
    this.label = `span processor #${index} of OTEL_LAMBDA_HOOKS_MODULE`;
  }

  onStart(span: Span, parentContext: Context): void {
    safeCall(`${this.label} (onStart)`, () => this.inner.onStart(span, parentContext));
  }

  onEnd(span: ReadableSpan): void {
    safeCall(`${this.label} (onEnd)`, () => this.inner.onEnd(span));
  }

  async forceFlush(): Promise<void> {
    await safeCall(`${this.label} (forceFlush)`, () => this.inner.forceFlush())?.catch(() => undefined);
  }

  async shutdown(): Promise<void> {
    await safeCall(`${this.label} (shutdown)`, () => this.inner.shutdown())?.catch(() => undefined);
  }
}
