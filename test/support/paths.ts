import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LAYER_ZIP = join(REPO_ROOT, 'dist', 'otel-lambda-layer.zip');
/** The built zip unpacked as Lambda would unpack it into /opt; end-to-end tests run this. */
export const UNPACKED_LAYER_DIR = join(REPO_ROOT, 'dist', 'opt');
export const HANDLER_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'handlers');
