import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AttributeValue } from '@opentelemetry/api';
import { REPO_ROOT } from './paths.ts';

/** The AWS SDK v3 clients, at the versions users get today (their own package-lock.json). */
export const AWS_SDK_CLIENTS_FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'aws-sdk-clients');
export const RECORDED_CALLS_FILE = join(REPO_ROOT, 'test', 'fixtures', 'aws-requests', 'recorded-calls.json');

export interface RecordedRequest {
  /** How it was sent: node:http (the SDK's default), fetch (the fetch handler), HTTP/2 (Kinesis). */
  readonly transport: 'http/1.1' | 'fetch' | 'h2';
  readonly method: string;
  /** Host name, without the port. */
  readonly host: string;
  /** Path and query string, as sent. */
  readonly path: string;
  /** Lower-case names; propagation headers (the tracer's own) left out. */
  readonly headers: Record<string, string>;
  /** The first body chunk as written (at most 512 bytes, UTF-8), '' when none. */
  readonly bodyHead: string;
}

export interface RecordedSpan {
  readonly name: string;
  readonly attributes: Record<string, AttributeValue>;
}

export interface RecordedCall {
  readonly call: string;
  readonly request: RecordedRequest;
  readonly response: { readonly status: number; readonly headers: Record<string, string> };
  /** The aws-sdk instrumentation's span for the call. */
  readonly sdkSpan: RecordedSpan;
  /** The HTTP-level span the layer's AWS request hooks described (not in the committed file). */
  readonly layerSpan?: RecordedSpan;
}

export interface Recording {
  readonly clients: Record<string, string>;
  readonly calls: readonly RecordedCall[];
}


const RECORDER = join(REPO_ROOT, 'test', 'support', 'record-aws-sdk-calls.ts');
const NODE24 = join(REPO_ROOT, 'node_modules', 'node24', 'bin', 'node');

/** The requests recorded in test/fixtures/aws-requests/recorded-calls.json. */
export function readRecordedCalls(): Recording {
  return JSON.parse(readFileSync(RECORDED_CALLS_FILE, 'utf8')) as Recording;
}

/** Runs record-aws-sdk-calls.ts now (its own process: see there), the layer's spans included. */
export async function recordCallsNow(): Promise<Recording> {
  const { stdout } = await promisify(execFile)(NODE24, [RECORDER], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
  return JSON.parse(stdout) as Recording;
}
