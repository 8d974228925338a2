import { describeError, log } from '../log.ts';

const reported = new Set<string>();

/**
 * Runs user-supplied code so that its failure never becomes the function's failure
 * (the idea of OpenTelemetry's safeExecuteInTheMiddle). The first failure of each label is
 * logged; later ones are silent, so a hook that always throws cannot flood the logs.
 */
export function safeCall<T>(label: string, call: () => T): T | undefined {
  try {
    return call();
  } catch (error) {
    if (!reported.has(label)) {
      reported.add(label);
      log.warn(`${label} threw (${describeError(error)}); ignored, the invocation goes on. Later failures of it are not logged.`);
    }
    return undefined;
  }
}
