import { readCredentialScope } from './credential-scope.ts';
import { hasRestRoutes, matchRestRoute, pathSegments } from './rest-routes.ts';
import { serviceNameOf } from './service-names.ts';

/** An outgoing HTTP request as a client hook sees it, before its body is written. */
export interface OutgoingRequestView {
  readonly method: string;
  /** Host name, without the port. */
  readonly host: string;
  /** Path and query string, as sent. */
  readonly path: string;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
}

/** An AWS API call, as far as the request says. */
export interface AwsCall {
  /** `rpc.service`, named as the aws-sdk instrumentation names it. */
  readonly service: string;
  readonly region: string | undefined;
  /** `rpc.method`; undefined when the request does not say (or not yet: see `operationInBody`). */
  readonly operation: string | undefined;
  /** S3: the bucket, from the host (virtual-hosted) or the first path segment (path-style). */
  readonly bucket: string | undefined;
  /** Query protocol: the operation is the form body's `Action=`, written after the headers. */
  readonly operationInBody: boolean;
}

const FORM_CONTENT = 'application/x-www-form-urlencoded';
// Smithy RPC v2 CBOR: POST /service/<ServiceName>/operation/<OperationName>
// https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html
const RPC_V2_OPERATION = '/operation/';

/**
 * Recognises an AWS API call from its request alone: SigV4's credential scope names the service
 * and region; the operation is the part after the dot of `X-Amz-Target` (AWS JSON 1.0/1.1), the
 * last path segment (RPC v2 CBOR), the route (REST-XML/REST-JSON, rest-routes.generated.ts) or
 * the form body's `Action=` (query protocol, `operationInBody`).
 */
export function recogniseAwsRequest(request: OutgoingRequestView): AwsCall | undefined {
  const authorization = request.header('authorization');
  // isAwsSigned's test, written out: an import would put that one function in a chunk of its own,
  // one more file for every cold start to load.
  if (authorization === undefined || !authorization.startsWith('AWS4-')) return undefined;
  const scope = readCredentialScope(authorization, request.header('x-amz-region-set'));
  if (scope === undefined) return undefined;
  const target = request.header('x-amz-target');
  const service = serviceNameOf(scope.signingName, target);
  const call = { service, region: scope.region, operation: undefined, bucket: undefined, operationInBody: false };
  if (target !== undefined) return { ...call, operation: afterLast(target, '.') };
  const queryStart = request.path.indexOf('?');
  const path = queryStart === -1 ? request.path : request.path.slice(0, queryStart);
  const query = queryStart === -1 ? '' : request.path.slice(queryStart + 1);
  if (request.header('smithy-protocol') === 'rpc-v2-cbor' && path.includes(RPC_V2_OPERATION)) return { ...call, operation: afterLast(path, '/') };
  if (S3_SIGNING_NAMES.has(scope.signingName)) return recogniseS3(call, request, path, query);
  if (hasRestRoutes(scope.signingName)) return { ...call, operation: matchRestRoute(scope.signingName, request.method, pathSegments(path), query) };
  if (request.method === 'POST' && request.header('content-type')?.startsWith(FORM_CONTENT) === true) return { ...call, operationInBody: true };
  return call;
}

function afterLast(text: string, separator: string): string | undefined {
  const operation = text.slice(text.lastIndexOf(separator) + 1);
  return operation === '' ? undefined : operation;
}

// S3, S3 Express One Zone's CreateSession, S3 Object Lambda's WriteGetObjectResponse.
const S3_SIGNING_NAMES = new Set(['s3', 's3express', 's3-object-lambda']);
// `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3-<region>.…`, `<bucket>.s3.dualstack.…`,
// `<bucket>.s3-accelerate.…`, `<bucket>--<az>--x-s3.s3express-<az>.…`, LocalStack's
// `<bucket>.s3.localhost.localstack.cloud`. A host whose first label is `s3` is path-style.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
const VIRTUAL_HOSTED_BUCKET = /^(.+?)\.s3[a-z0-9-]*\./;
// S3 Control (also signed as `s3`) has its own API under a versioned path.
const S3_CONTROL_PATH = '/v20180820/';

function recogniseS3(call: AwsCall, request: OutgoingRequestView, path: string, query: string): AwsCall {
  if (path.startsWith(S3_CONTROL_PATH)) return { ...call, service: 'S3Control' };
  const segments = pathSegments(path);
  const hostBucket = VIRTUAL_HOSTED_BUCKET.exec(request.host)?.[1];
  const bucket = hostBucket ?? (segments.length > 0 ? decodeSegment(segments[0]!) : undefined);
  const keySegments = hostBucket === undefined ? segments.slice(1) : segments;
  return { ...call, bucket, operation: matchRestRoute('s3', request.method, keySegments, query) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
