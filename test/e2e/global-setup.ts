import { existsSync, rmSync } from 'node:fs';
import { unzipTo } from '../support/unzip.ts';
import { LAYER_ZIP, UNPACKED_LAYER_DIR } from '../support/paths.ts';

/** End-to-end tests run the built zip's contents, never the sources. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(LAYER_ZIP)) throw new Error(`${LAYER_ZIP} is missing: run \`npm run build\` first (npm test does).`);
  rmSync(UNPACKED_LAYER_DIR, { recursive: true, force: true });
  await unzipTo(LAYER_ZIP, UNPACKED_LAYER_DIR);
}
