// Runs handler modules on a plain Node process with recording accessors on the API's global:
// every read and write of `Symbol.for('opentelemetry.js.api.<major>')` and every read of the
// registry's version is kept as the call site V8 reports for it, and all of them are written to
// stdout as JSON at the end. The identification rule is then tested against every place where
// real API code touches its global.
//   node record-api-reads.mjs <version of the copies> <handler file>...
import { callerSiteOf } from '../../../src/api-bridge/caller-site.ts';

const [version, ...files] = process.argv.slice(2);
const major = Number(version.split('.')[0]);
const sites = [];
// Served the copies' own version, so that every read and registration of theirs goes through.
const registry = {};
Object.defineProperty(registry, 'version', {
  enumerable: true,
  get: function readVersion() {
    sites.push({ access: 'version', site: callerSiteOf(readVersion) });
    return version;
  },
});
Object.defineProperty(globalThis, Symbol.for(`opentelemetry.js.api.${major}`), {
  configurable: true,
  get: function readGlobal() {
    sites.push({ access: 'read', site: callerSiteOf(readGlobal) });
    return registry;
  },
  set: function writeGlobal() {
    sites.push({ access: 'write', site: callerSiteOf(writeGlobal) });
  },
});

for (const file of files) {
  const { handler } = await import(file);
  await handler({ n: 1 });
}
process.stdout.write(JSON.stringify(sites));
