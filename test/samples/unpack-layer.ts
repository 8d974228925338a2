/**
 * Unpacks the built layer zip into a directory as Lambda unpacks a layer into /opt (file modes
 * kept: otel-handler must stay executable). samples/container-image/run.sh uses it for the
 * image's build context, where `unzip -o` would do the same.
 *
 *   node_modules/node24/bin/node test/samples/unpack-layer.ts DIR
 */
import { rmSync } from 'node:fs';
import { LAYER_ZIP } from '../support/paths.ts';
import { unzipTo } from '../support/unzip.ts';

const target = process.argv[2];
if (target === undefined) {
  process.stderr.write('usage: unpack-layer.ts DIR\n');
  process.exit(2);
}
rmSync(target, { recursive: true, force: true });
const files = await unzipTo(LAYER_ZIP, target);
process.stdout.write(`${LAYER_ZIP} unpacked into ${target} (${files.length} files)\n`);
