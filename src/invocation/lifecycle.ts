import { SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { FlushStrategy } from '../flush/flush-strategy.ts';
import { describeError, log } from '../log.ts';
import { invocationAttributes, type LambdaContextLike } from './invocation-attributes.ts';
import { parentContextOf } from './parent-context.ts';

export type Outcome = { status: 'ok'; result: unknown } | { status: 'error'; error: unknown };

export interface ActiveInvocation {
  /** The OpenTelemetry context the handler runs in (the invocation span is active). */
  readonly otelContext: Context;
  /**
   * Ends the invocation span with the outcome and flushes. Idempotent (the first outcome wins),
   * never rejects, and resolves within the flush budget.
   */
  finish(outcome: Outcome): Promise<void>;
}

export interface InvocationLifecycle {
  /** Starts tracing one invocation; undefined if tracing it failed (the handler runs untraced). */
  begin(event: unknown, lambdaContext: unknown): ActiveInvocation | undefined;
}

export interface LifecycleDependencies {
  readonly tracer: Tracer;
  readonly flush: FlushStrategy;
  readonly functionName: string | undefined;
}

export function createInvocationLifecycle(deps: LifecycleDependencies): InvocationLifecycle {
  // Per process (per worker thread under Managed Instances): the first invocation after init.
  let coldStart = true;
  let reportedFailure = false;

  return {
    begin(event, lambdaContext) {
      try {
        const context = (lambdaContext ?? {}) as LambdaContextLike;
        const parent = parentContextOf(context);
        const span = deps.tracer.startSpan(
          context.functionName ?? deps.functionName ?? 'lambda-invocation',
          { kind: SpanKind.SERVER, attributes: invocationAttributes(context, coldStart) },
          parent,
        );
        coldStart = false;
        let finished: Promise<void> | undefined;
        return {
          otelContext: trace.setSpan(parent, span),
          finish(outcome) {
            finished ??= endSpan(span, outcome).then(() => deps.flush.afterInvocation(context));
            return finished;
          },
        };
      } catch (error) {
        if (!reportedFailure) {
          reportedFailure = true;
          log.error(`could not trace an invocation (${describeError(error)}); the function runs untraced. Please report this.`);
        }
        return undefined;
      }
    },
  };
}

async function endSpan(span: Span, outcome: Outcome): Promise<void> {
  try {
    if (outcome.status === 'error') {
      span.recordException(asException(outcome.error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(outcome.error) });
    } else {
      span.setStatus({ code: SpanStatusCode.OK });
    }
    span.end();
  } catch (error) {
    log.error(`could not end the invocation span (${describeError(error)}).`);
  }
}

function asException(error: unknown): Error | string {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown };
    return { name: String(name ?? 'Error'), message: String(message), stack: typeof stack === 'string' ? stack : undefined } as Error;
  }
  return String(error);
}
