// `npm run bench`: runs the TypeScript benchmark (bench.ts) on the repository's Node.js 24, whose
// native type stripping needs no build step, passing the arguments through.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const node24 = join(here, '..', '..', 'node_modules', 'node24', 'bin', 'node');
const child = spawn(node24, [join(here, 'bench.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`cannot start ${node24}: ${error.message} (run npm ci)`);
  process.exitCode = 1;
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
