/** Resident memory of a process from /proc/PID/status (Linux), in kB, as Lambda's MaxMemoryUsed would see it. */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** VmRSS: resident now. */
  rssKb: number;
  /** VmHWM: peak resident ("high water mark"). */
  hwmKb: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** undefined when the process is gone or /proc is unavailable. */
export function readProcMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssKb: field(status, 'VmRSS'), hwmKb: field(status, 'VmHWM') };
  } catch {
    return undefined;
  }
}
