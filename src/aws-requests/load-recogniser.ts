import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeRequire } from '../node-require.ts';

export type Recogniser = typeof import('./recogniser.ts');
export type LoadRecogniser = () => Recogniser;

let loaded: Recogniser | undefined;

/**
 * The layer's bundle holds recogniser.ts as `aws-requests/recogniser.mjs` beside the chunk this
 * code is in (like the instrumentations' entries): a synchronous require() of that ES module,
 * once, when the first SigV4-signed request is seen.
 */
export const loadBundledRecogniser: LoadRecogniser = () =>
  (loaded ??= nodeRequire(join(dirname(fileURLToPath(import.meta.url)), 'aws-requests', 'recogniser.mjs')) as Recogniser);
