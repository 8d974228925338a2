import { chmodSync, createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';

/** Unpacks a zip the way Lambda unpacks a layer into /opt: every file, with its POSIX mode. */
export function unzipTo(zipPath: string, targetDir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (openError, zip) => {
      if (openError !== null || zip === undefined) return reject(openError ?? new Error(`cannot open ${zipPath}`));
      const written: string[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(written));
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = join(targetDir, entry.fileName);
        if (entry.fileName.endsWith('/')) {
          mkdirSync(target, { recursive: true });
          zip.readEntry();
          return;
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null || stream === undefined) return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
          stream
            .pipe(createWriteStream(target))
            .on('error', reject)
            .on('close', () => {
              if (mode !== 0) chmodSync(target, mode);
              written.push(entry.fileName);
              zip.readEntry();
            });
        });
      });
      zip.readEntry();
    });
  });
}
