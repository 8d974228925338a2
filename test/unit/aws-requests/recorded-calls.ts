import type { LoadRecogniser } from '../../../src/aws-requests/load-recogniser.ts';
import type { OutgoingRequestView } from '../../../src/aws-requests/recognise-aws-request.ts';
import * as recogniser from '../../../src/aws-requests/recogniser.ts';
import { readRecordedCalls, type RecordedCall, type RecordedRequest } from '../../support/recorded-aws-calls.ts';

/** The real AWS SDK v3 clients' requests, recorded by test/support/record-aws-sdk-calls.ts. */
export function recordedCalls(): readonly RecordedCall[] {
  return readRecordedCalls().calls;
}

/** A recorded request as the layer's hooks see it. */
export function viewOf(request: RecordedRequest): OutgoingRequestView {
  return { method: request.method, host: request.host, path: request.path, header: (name) => request.headers[name] };
}

/** The recogniser from the sources (the layer loads its bundled entry). */
export const loadSourceRecogniser: LoadRecogniser = () => recogniser;
