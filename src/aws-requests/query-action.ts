const ACTION = 'Action=';
// The SDK writes `Action=<Operation>&Version=…` first; a hand-built body may put it later. Only
// the start of the first chunk is looked at: never the payload.
const SCANNED_CHARS = 512;

/**
 * The operation a query-protocol request names: `Action=Publish&Version=2010-03-31&…`
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html).
 * `chunk` is the first body chunk as written (string or bytes); anything else gives undefined.
 */
export function actionOfFormBody(chunk: unknown): string | undefined {
  const head = headOf(chunk);
  if (head === undefined) return undefined;
  let start: number;
  if (head.startsWith(ACTION)) start = ACTION.length;
  else {
    const found = head.indexOf(`&${ACTION}`);
    if (found === -1) return undefined;
    start = found + 1 + ACTION.length;
  }
  let end = start;
  while (end < head.length && isNameChar(head.charCodeAt(end))) end++;
  return end === start ? undefined : head.slice(start, end);
}

function headOf(chunk: unknown): string | undefined {
  if (typeof chunk === 'string') return chunk.length > SCANNED_CHARS ? chunk.slice(0, SCANNED_CHARS) : chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, SCANNED_CHARS)).toString('latin1');
  return undefined;
}

// Operation names are Smithy shape names: letters, digits, underscore.
function isNameChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}
