import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';

/**
 * Zips a directory with POSIX modes kept (Lambda unpacks layers with them: otel-handler must
 * stay executable) and a fixed timestamp, so the same sources give the same zip.
 */
export function zipDirectory(sourceDir, zipPath) {
  const zip = new yazl.ZipFile();
  const fixedTime = new Date('2020-01-01T00:00:00Z');
  for (const file of walk(sourceDir).sort()) {
    zip.addFile(file, relative(sourceDir, file), { mode: statSync(file).mode, mtime: fixedTime, compress: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
