import type { LambdaContextLike } from '../invocation/invocation-attributes.ts';

/** When spans leave the sandbox. Chosen once from config; the handler wrapper never branches on mode. */
export interface FlushStrategy {
  /** Called once per invocation after its span ended; resolves within budget, never rejects. */
  afterInvocation(lambdaContext: LambdaContextLike): Promise<void>;
  /** Final export on SHUTDOWN/SIGTERM; bounded, never rejects. */
  shutdown(): Promise<void>;
}

export interface Flushable {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
