/**
 * What a sample's local run produced, as JSON (`run.sh local --report FILE`): each invocation's
 * outcome and every span the OTLP receiver got. Span times are bigint nanoseconds, written as
 * strings and read back as bigints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { DecodedSpan, InvokeStatus } from '../sandbox/index.ts';

export interface InvocationReport {
  readonly event: string;
  readonly requestId: string;
  readonly status: InvokeStatus;
  readonly body?: string;
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
  /** The function's own output lines during the invocation. */
  readonly logs: readonly string[];
}

export interface SampleReport {
  readonly sample: string;
  /** The function as read from the deployment files. */
  readonly runtime: string;
  readonly handler: string;
  /** External extensions that registered (the collector stand-in, for one). */
  readonly extensions: readonly string[];
  readonly invocations: readonly InvocationReport[];
  readonly spans: readonly DecodedSpan[];
}

const NANOSECOND_FIELDS = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano']);

export function writeReport(path: string, report: SampleReport): void {
  writeFileSync(path, JSON.stringify(report, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2));
}

export function readReport(path: string): SampleReport {
  return JSON.parse(readFileSync(path, 'utf8'), (key, value: unknown) => (NANOSECOND_FIELDS.has(key) && typeof value === 'string' ? BigInt(value) : value)) as SampleReport;
}
