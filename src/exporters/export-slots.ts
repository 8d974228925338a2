/**
 * At most `capacity` exports in flight at once. When all slots are taken, the oldest export is
 * aborted to make room: a collector that accepts connections and never answers would otherwise
 * gather one open socket and one request body per flush until each hits its timeout. The newest
 * spans are the ones kept, so spans of invocations after the collector recovers arrive.
 */
export class ExportSlots {
  private readonly capacity: number;
  private readonly running: AbortController[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get inUse(): number {
    return this.running.length;
  }

  async run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.running.length >= this.capacity) {
      this.running.shift()?.abort(new Error(`aborted: ${this.capacity} exports were already waiting for the OTLP endpoint`));
    }
    const controller = new AbortController();
    this.running.push(controller);
    try {
      return await task(controller.signal);
    } finally {
      const index = this.running.indexOf(controller);
      if (index !== -1) this.running.splice(index, 1);
    }
  }
}
