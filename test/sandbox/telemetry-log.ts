/**
 * Lambda's telemetry log file descriptor. The managed runtimes get its number in
 * `_LAMBDA_TELEMETRY_LOG_FD`, and the Node.js runtime client (aws-lambda-ric v3 and v4, outside
 * Managed Instances) writes every console line to it as one frame instead of to stdout, so that
 * a multi-line message stays one CloudWatch event:
 *
 *   | type: 4 bytes | length: 4 bytes | timestamp: 8 bytes (µs since epoch) | message: length bytes |
 *
 * big-endian; the type is 0xa55a0003 for text and 0xa55a0002 for JSON, OR'ed with the level's
 * mask (TRACE 4, DEBUG 8, INFO 12, WARN 16, ERROR 20, FATAL 24). Described in the runtime
 * clients' logging sources (LogPatch.js in v3, telemetry-logger in v4).
 */
import type { Readable } from 'node:stream';

/** The fd the sandbox gives the runtime process for telemetry frames (its stdio slot). */
export const TELEMETRY_LOG_FD = 3;

const HEADER_BYTES = 16;
const MAGIC = 0xa55a0000;
const FORMAT_TEXT = 3;
const FORMAT_JSON = 2;
const LEVELS = ['', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
/** A frame longer than this means the stream is not framed as Lambda expects. */
const MAX_FRAME_BYTES = 1024 * 1024;

export interface TelemetryFrame {
  format: 'text' | 'json';
  /** TRACE … FATAL, as the frame type says. */
  level: string;
  /** Epoch ms from the frame's timestamp. */
  timestampMs: number;
  message: string;
}

/** Splits a byte stream into frames; anything that is not a frame is reported once and the rest dropped. */
export class TelemetryFrameReader {
  #pending: Buffer = Buffer.alloc(0);
  #broken = false;
  readonly #onFrame: (frame: TelemetryFrame) => void;
  readonly #onError: (message: string) => void;

  constructor(onFrame: (frame: TelemetryFrame) => void, onError: (message: string) => void) {
    this.#onFrame = onFrame;
    this.#onError = onError;
  }

  push(chunk: Buffer): void {
    if (this.#broken) return;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= HEADER_BYTES) {
      const type = this.#pending.readUInt32BE(0);
      const length = this.#pending.readInt32BE(4);
      const format = type & 0x3;
      if ((type & 0xffff0000) >>> 0 !== MAGIC || (format !== FORMAT_TEXT && format !== FORMAT_JSON) || length < 0 || length > MAX_FRAME_BYTES) {
        this.#broken = true;
        this.#onError(`sandbox: malformed telemetry log frame (type 0x${type.toString(16)}, length ${length}); the rest of the stream is ignored`);
        return;
      }
      if (this.#pending.length < HEADER_BYTES + length) return;
      const micros = this.#pending.readBigInt64BE(8);
      const message = this.#pending.subarray(HEADER_BYTES, HEADER_BYTES + length).toString('utf8');
      this.#pending = this.#pending.subarray(HEADER_BYTES + length);
      this.#onFrame({
        format: format === FORMAT_TEXT ? 'text' : 'json',
        level: LEVELS[(type & 0x1c) >>> 2] ?? '',
        timestampMs: Number(micros / 1000n),
        message,
      });
    }
  }

  /** The stream ended: a partial frame left over is reported. */
  end(): void {
    if (!this.#broken && this.#pending.length > 0) this.#onError(`sandbox: telemetry log stream ended inside a frame (${this.#pending.length} bytes left)`);
  }
}

export function readTelemetryFrames(stream: Readable, onFrame: (frame: TelemetryFrame) => void, onError: (message: string) => void): void {
  const reader = new TelemetryFrameReader(onFrame, onError);
  stream.on('data', (chunk: Buffer) => reader.push(chunk));
  stream.on('end', () => reader.end());
}
