import { join } from 'node:path';
import { startFunction, type FunctionSpec, type LambdaInstance } from '../sandbox/index.ts';
import { UNPACKED_LAYER_DIR } from './paths.ts';

export interface RuntimeCombination {
  readonly node: 22 | 24;
  readonly ric: 'v3' | 'v4';
}

/** Every runtime the layer supports, as the managed runtimes run them (see README). */
export const RUNTIME_COMBINATIONS: readonly RuntimeCombination[] = [
  { node: 24, ric: 'v4' },
  { node: 22, ric: 'v3' },
  { node: 22, ric: 'v4' },
];

/** Starts a function with the built layer at an /opt-like directory and the exec wrapper set. */
export function startWithLayer(spec: FunctionSpec): Promise<LambdaInstance> {
  return startFunction({
    ...spec,
    layerDir: UNPACKED_LAYER_DIR,
    execWrapper: join(UNPACKED_LAYER_DIR, 'otel-handler'),
  });
}

/** Runs `body` with a started function and always shuts it down. */
export async function withFunction<T>(start: Promise<LambdaInstance>, body: (fn: LambdaInstance) => Promise<T>): Promise<T> {
  const fn = await start;
  try {
    return await body(fn);
  } finally {
    await fn.shutdown();
  }
}
