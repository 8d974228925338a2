/** Ids in the formats Lambda uses for request ids and the X-Ray trace header. */
import { randomBytes, randomUUID } from 'node:crypto';

export function newRequestId(): string {
  return randomUUID();
}

/**
 * A fresh sampled X-Ray trace header: Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=1
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
 */
export function newTraceHeader(sampled = true): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  const root = `1-${epoch}-${randomBytes(12).toString('hex')}`;
  return `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=${sampled ? 1 : 0}`;
}
