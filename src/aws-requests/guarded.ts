import { describeError, log } from '../log.ts';

let reported = false;

/**
 * Runs hook work where a throw would reach the function: inside its own write() (the body watch)
 * or a diagnostics channel subscriber (Node rethrows a subscriber's error as an uncaught
 * exception). A failure costs the span its AWS description, never the call; the first is logged.
 */
export function guarded<A extends unknown[]>(work: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      work(...args);
    } catch (error) {
      if (reported) return;
      reported = true;
      log.warn(
        `could not describe an AWS API call from its HTTP request (${describeError(error)}); the call is unaffected, its span stays a plain HTTP span. ` +
          'Later failures are not logged; OTEL_NODE_DISABLED_INSTRUMENTATIONS=aws-sdk turns AWS call tracing off.',
      );
    }
  };
}
