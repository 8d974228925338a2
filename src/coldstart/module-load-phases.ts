import type { EpochMs, PhaseInput } from './init-timeline.ts';
import type { LoadDescription } from './module-load-names.ts';
import type { LoadContext, RecordedLoad } from './module-load-recorder.ts';

export interface LoadPhaseOptions {
  /** The phase the outermost loads are children of (the handler's load). */
  readonly parentId: number;
  readonly reserveId: () => number;
  /** performance.now() ms → the init span's clock. */
  readonly toEpoch: (ms: number) => EpochMs;
  /** How a load is shown; undefined for one not shown (a built-in, the runtime client's). */
  readonly describe: (context: LoadContext) => LoadDescription | undefined;
}

interface Open {
  readonly end: number;
  /** The phase that loads inside this one are children of. */
  readonly phaseId: number;
  readonly module: string | undefined;
}

/**
 * Turns recorded loads into init phases, nested as they ran: a load inside another's time is its
 * child. A load not shown passes its children to its own parent; a load of a file in the same
 * package as the load it is in is part of that one (`require pg` is one span, not one per file
 * of pg).
 */
export function moduleLoadPhases(loads: readonly RecordedLoad[], options: LoadPhaseOptions): PhaseInput[] {
  // Outer before inner: by start, then the longer first, then the one that ended later.
  const order = loads.map((_, index) => index).sort((a, b) => loads[a]!.start - loads[b]!.start || loads[b]!.end - loads[a]!.end || b - a);
  const phases: PhaseInput[] = [];
  const open: Open[] = [];
  for (const index of order) {
    const load = loads[index]!;
    while (open.length > 0 && open[open.length - 1]!.end < load.end) open.pop();
    const enclosing = open[open.length - 1];
    const parentId = enclosing?.phaseId ?? options.parentId;
    const description = options.describe(load.context);
    if (description === undefined || description.module === enclosing?.module) {
      open.push({ end: load.end, phaseId: parentId, module: enclosing?.module });
      continue;
    }
    const id = options.reserveId();
    phases.push({
      id,
      name: description.name,
      startTime: options.toEpoch(load.start),
      endTime: options.toEpoch(load.end),
      parentId,
      attributes: description.file === undefined ? {} : { 'code.file.path': description.file },
      ...(load.context.error === undefined ? {} : { failed: true }),
    });
    open.push({ end: load.end, phaseId: id, module: description.module });
  }
  return phases;
}
