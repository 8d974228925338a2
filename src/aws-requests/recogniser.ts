/**
 * What the hooks need once a request is SigV4-signed, bundled as an entry of its own
 * (layer-build/build.mjs) and loaded on the first such request (load-recogniser.ts): the route
 * tables and parsers cost a function that makes no AWS call nothing.
 */
export { recogniseAwsRequest } from './recognise-aws-request.ts';
export { actionOfFormBody } from './query-action.ts';
export { awsCallAttributes, awsCallSpanName, awsResponseAttributes } from './aws-call-attributes.ts';
export { describeAwsCall } from './describe-aws-call.ts';
export { onFirstBodyChunk } from './first-body-chunk.ts';
