import type { Span } from '@opentelemetry/api';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { isAwsSigned } from './aws-signed.ts';
import { guarded } from './guarded.ts';
import { loadBundledRecogniser, type LoadRecogniser } from './load-recogniser.ts';
import type { OutgoingRequestView } from './recognise-aws-request.ts';

/** The `requestHook`/`responseHook` pair of @opentelemetry/instrumentation-http. */
export interface HttpInstrumentationHooks {
  readonly requestHook: (span: Span, request: ClientRequest | IncomingMessage) => void;
  readonly responseHook: (span: Span, response: IncomingMessage | ServerResponse) => void;
}

/**
 * Makes the http instrumentation's client span of an AWS API call read like the aws-sdk
 * instrumentation's span of it (`S3.PutObject`, `rpc.*`, `cloud.region`, `aws.request.id`): for
 * an SDK bundled into the handler, which that instrumentation cannot patch. Unbundled, the
 * aws-sdk instrumentation suppresses tracing of its own HTTP requests, so there is no HTTP span
 * for these hooks to see and no duplicate.
 *
 * Cost for every other request: one header lookup and a string prefix test; the recogniser
 * itself is loaded with the first signed request.
 */
export function awsHttpClientHooks(load: LoadRecogniser = loadBundledRecogniser): HttpInstrumentationHooks {
  const awsSpans = new WeakSet<Span>();
  return {
    requestHook(span, request) {
      // Incoming requests (IncomingMessage) have no getHeader; the layer does not trace them anyway.
      const client = request as ClientRequest;
      if (typeof client.getHeader !== 'function' || !isAwsSigned(client.getHeader('authorization')) || !span.isRecording()) return;
      const recogniser = load();
      const call = recogniser.recogniseAwsRequest(clientRequestView(client));
      if (call === undefined) return;
      awsSpans.add(span);
      recogniser.describeAwsCall(span, call);
      if (call.operationInBody) {
        recogniser.onFirstBodyChunk(
          client,
          guarded((chunk: unknown) => {
            const action = recogniser.actionOfFormBody(chunk);
            if (action !== undefined) recogniser.describeAwsCall(span, { ...call, operation: action });
          }),
        );
      }
    },
    responseHook(span, response) {
      if (!awsSpans.has(span)) return;
      const { headers } = response as IncomingMessage;
      span.setAttributes(load().awsResponseAttributes((name) => headerText(headers[name])));
    },
  };
}

function clientRequestView(request: ClientRequest): OutgoingRequestView {
  return { method: request.method, host: request.host, path: request.path, header: (name) => headerText(request.getHeader(name)) };
}

function headerText(value: string | number | readonly string[] | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : value[0];
}
