/**
 * Run by module-loads.test.ts on the bundled Node 24 and 22 (jest's own Node may publish no
 * module.require/module.import events, and jest loads modules itself): loads
 * `<root>/task/<entry>` with Node's own loader while the recorder listens, and prints how each
 * load in `<root>` is described, in the order the loads ended.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeLoad } from '../../../src/coldstart/module-load-names.ts';
import { recordModuleLoads, type LoadChannel } from '../../../src/coldstart/module-load-recorder.ts';

const [root, entry] = process.argv.slice(2) as [string, string];
const places = { taskRoot: join(root, 'task'), layerDir: join(root, 'opt', 'otel-lambda'), runtimeDir: join(root, 'runtime') };
const recorder = recordModuleLoads({
  thresholdMs: 0,
  maxLoads: 256,
  require: tracingChannel('module.require') as unknown as LoadChannel,
  import: tracingChannel('module.import') as unknown as LoadChannel,
});
await import(pathToFileURL(join(places.taskRoot, entry)).href);
const { loads } = recorder.stop();
const inRoot = (value: string | undefined): boolean => value !== undefined && (value.startsWith(root) || value.startsWith(pathToFileURL(root).href));
const shown = loads
  .filter(({ context }) => inRoot(context.parentFilename) || inRoot(context.id) || inRoot(context.parentURL))
  .map(({ context }) => describeLoad(context, places) ?? null);
process.stdout.write(JSON.stringify(shown));
