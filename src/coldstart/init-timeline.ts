import type { Attributes } from '@opentelemetry/api';

/** Milliseconds since the Unix epoch, with performance.now()'s sub-millisecond precision. */
export type EpochMs = number;

/** Now, on the same clock as Node's time origin (what the init span starts at). */
export function epochNow(): EpochMs {
  return performance.timeOrigin + performance.now();
}

/** One step of init, shown as a child (or grandchild) of the init span. */
export interface InitPhase {
  readonly id: number;
  readonly name: string;
  readonly startTime: EpochMs;
  /** Undefined while the phase runs: at the init span's end it is ended with it. */
  readonly endTime?: EpochMs;
  /** A phase this one ran inside (e.g. a module load inside another); the init span when absent or unknown. */
  readonly parentId?: number;
  readonly attributes?: Attributes;
  /** The phase ended with the error that failed init. */
  readonly failed?: boolean;
}

export type PhaseInput = Omit<InitPhase, 'id'> & { readonly id?: number };

/**
 * What happened during init, recorded while it happens and turned into spans once the init span
 * can be emitted (at the first invocation, when its trace is known). Phases are recorded when
 * they end, so a phase can reserve its id first to be named as the parent of the phases that end
 * inside it (nested module loads do). Bounded: past MAX_PHASES, phases are counted, not kept.
 */
export class InitTimeline {
  static readonly MAX_PHASES = 256;
  private readonly recorded: InitPhase[] = [];
  private lastId = 0;
  /** Phases not kept because the timeline was full. */
  dropped = 0;

  /** An id for a phase that has started and will be recorded when it ends. */
  reserveId(): number {
    return ++this.lastId;
  }

  record(phase: PhaseInput): void {
    if (this.recorded.length >= InitTimeline.MAX_PHASES) {
      this.dropped++;
      return;
    }
    this.recorded.push({ ...phase, id: phase.id ?? this.reserveId() });
  }

  /** Every phase, in start order (a parent starts before the phases inside it). */
  phases(): readonly InitPhase[] {
    return [...this.recorded].sort((a, b) => a.startTime - b.startTime || a.id - b.id);
  }
}
