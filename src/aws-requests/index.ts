export { awsHttpClientHooks } from './http-client-hooks.ts';
export { awsFetchHooks } from './fetch-hooks.ts';
export { traceAwsCallsOverHttp2 } from './http2-aws-calls.ts';
