// Installs the registry packages of every fixture and sample that pins its own: each directory
// under test/fixtures/ and samples/ holding a package-lock.json gets `npm ci` when its
// node_modules is missing or older than the lock. Fixtures use the versions users get today,
// pinned in their own lock files, independent of what the layer itself bundles.
//   node test/setup/install-fixture-packages.mjs          install what is stale
//   node test/setup/install-fixture-packages.mjs DIR...   only under these directories (a sample's run.sh)
//   node test/setup/install-fixture-packages.mjs --list   print the directories
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEARCHED = ['test/fixtures', 'samples'];
// npm is mostly waiting on the network; two at once suits a 2-core machine.
const PARALLEL = 2;

function lockDirectories(dir, found = []) {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'cdk.out') continue;
    const child = join(dir, entry.name);
    if (existsSync(join(child, 'package-lock.json'))) found.push(child);
    lockDirectories(child, found);
  }
  return found;
}

function isStale(dir) {
  const installed = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(join(dir, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
}

function npmCi(dir) {
  return new Promise((resolve, reject) => {
    // --ignore-scripts: fixture packages are plain JavaScript; nothing of theirs needs building.
    const child = spawn('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm ci failed in ${relative(ROOT, dir)} (exit ${code})`))));
  });
}

const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--')).map((dir) => resolve(dir));
const searched = only.length > 0 ? only : SEARCHED.map((sub) => join(ROOT, sub));
const dirs = searched.flatMap((dir) => [...(existsSync(join(dir, 'package-lock.json')) ? [dir] : []), ...lockDirectories(dir)]);
if (process.argv.includes('--list')) {
  for (const dir of dirs) console.log(relative(ROOT, dir));
} else {
  const stale = dirs.filter(isStale);
  if (stale.length > 0) console.log(`install-fixture-packages: npm ci in ${stale.length} of ${dirs.length} fixture directories`);
  const queue = [...stale];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) await npmCi(dir);
    }),
  );
}
