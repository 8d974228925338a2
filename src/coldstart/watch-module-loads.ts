import type { TracingChannel } from 'node:diagnostics_channel';
import { log } from '../log.ts';
import { nodeRequire } from '../node-require.ts';
import type { PhaseInput } from './init-timeline.ts';
import { describeLoad, type NamingPlaces } from './module-load-names.ts';
import { moduleLoadPhases } from './module-load-phases.ts';
import { recordModuleLoads, type LoadChannel, type RecordedLoads } from './module-load-recorder.ts';

export interface ModuleLoadWatch {
  /** Stops listening (call when the handler has loaded); idempotent. */
  readonly stop: () => void;
  /** The loads over the threshold as phases under `parentId`, and how many were dropped. */
  readonly phases: (parentId: number, reserveId: () => number) => { phases: PhaseInput[]; dropped: number };
}

/**
 * Listens to Node's `module.require` and `module.import` tracing channels while the handler
 * loads (https://nodejs.org/api/diagnostics_channel.html#modules; Node 22.x recent and 24).
 * Listening costs two clock reads per load; naming and nesting wait for the init span.
 * A Node.js that publishes nothing there gives no module-load spans, and one debug line.
 */
export function watchModuleLoads(thresholdMs: number, maxLoads: number, places: NamingPlaces): ModuleLoadWatch | undefined {
  let recorder: { stop: () => RecordedLoads };
  try {
    const { tracingChannel } = nodeRequire('node:diagnostics_channel') as typeof import('node:diagnostics_channel');
    const channel = (name: string): LoadChannel => tracingChannel(name) as TracingChannel<unknown, object> as unknown as LoadChannel;
    recorder = recordModuleLoads({ thresholdMs, maxLoads, require: channel('module.require'), import: channel('module.import') });
  } catch (error) {
    log.debug(`module loads are not shown in the init span: this Node.js has no diagnostics_channel tracing channels (${String(error)}).`);
    return undefined;
  }
  let recorded: RecordedLoads | undefined;
  const stop = (): RecordedLoads => {
    if (recorded !== undefined) return recorded;
    recorded = recorder.stop();
    if (recorded.seen === 0) log.debug('the handler loaded no module that Node reported (Node publishes module.require/module.import events from 22.x recent and 24): the init span shows no module loads.');
    return recorded;
  };
  return {
    stop,
    phases(parentId, reserveId) {
      const { loads, dropped } = stop();
      const phases = moduleLoadPhases(loads, { parentId, reserveId, toEpoch: (ms) => performance.timeOrigin + ms, describe: (context) => describeLoad(context, places) });
      return { phases, dropped };
    },
  };
}
