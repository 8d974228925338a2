import type { AbortSignalLike } from '../http/plain-http-client.ts';

/**
 * At most `capacity` exports in flight at once. When all slots are taken, the oldest export is
 * aborted to make room: a collector that accepts connections and never answers would otherwise
 * gather one open socket and one request body per flush until each hits its timeout. The newest
 * spans are the ones kept, so spans of invocations after the collector recovers arrive.
 */
export class ExportSlots {
  private readonly capacity: number;
  private readonly running: ExportAbort[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get inUse(): number {
    return this.running.length;
  }

  async run<T>(task: (signal: ExportAbort) => Promise<T>): Promise<T> {
    if (this.running.length >= this.capacity) {
      this.running.shift()?.abort(new Error(`aborted: ${this.capacity} exports were already waiting for the OTLP endpoint`));
    }
    const signal = new ExportAbort();
    this.running.push(signal);
    try {
      return await task(signal);
    } finally {
      const index = this.running.indexOf(signal);
      if (index !== -1) this.running.splice(index, 1);
    }
  }
}

/**
 * An abort signal for one export, with the AbortSignal members the transport uses: one small
 * object where an AbortController makes an EventTarget, its listener map and validations on
 * every export. `toAbortSignal()` makes a real one for node:https.
 */
export class ExportAbort implements AbortSignalLike {
  aborted = false;
  reason: unknown;
  private listeners: (() => void)[] = [];

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  /** Listeners are called once: aborting happens once. */
  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners.indexOf(listener);
    if (index !== -1) this.listeners.splice(index, 1);
  }
}
