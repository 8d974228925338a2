import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { RuntimeApi } from '../../sandbox/runtime-api.ts';
import type { RuntimeApiOptions } from '../../sandbox/runtime-api.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP call without a pooled agent, like a runtime or extension would make. */
function call(address: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path, headers, agent: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const BASE: RuntimeApiOptions = {
  functionName: 'fn',
  handler: 'index.handler',
  region: 'eu-west-1',
  accountId: '111122223333',
  timeoutMs: 3000,
};

const NEXT = '/2018-06-01/runtime/invocation/next';
const REGISTER = '/2020-01-01/extension/register';
const EVENT_NEXT = '/2020-01-01/extension/event/next';

describe('RuntimeApi', () => {
  let api: RuntimeApi;
  afterEach(() => api.close());

  it('hands the event to the runtime with the headers both runtime clients require', async () => {
    // Prepare
    api = new RuntimeApi(BASE);
    const address = await api.start();
    const next = call(address, 'GET', NEXT);
    // Act
    const inv = api.enqueue({ requestId: 'req-1', event: Buffer.from('{"a":1}'), traceHeader: 'Root=1-a-b;Sampled=1', clientContext: '{"c":1}' });
    const got = await next;
    const posted = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-1/response', {}, '"done"');
    const result = await inv.result;
    const again = call(address, 'GET', NEXT);
    const finishedAt = await inv.finished;
    // Assess
    expect(got.status).toBe(200);
    expect(got.body).toBe('{"a":1}');
    expect(got.headers['lambda-runtime-aws-request-id']).toBe('req-1');
    expect(got.headers['lambda-runtime-invoked-function-arn']).toBe('arn:aws:lambda:eu-west-1:111122223333:function:fn');
    expect(Number(got.headers['lambda-runtime-deadline-ms'])).toBeGreaterThan(Date.now() + 2000);
    expect(got.headers['lambda-runtime-trace-id']).toBe('Root=1-a-b;Sampled=1');
    expect(got.headers['lambda-runtime-client-context']).toBe('{"c":1}');
    expect(posted.status).toBe(202);
    expect(result.body.toString()).toBe('"done"');
    expect(finishedAt).toBeGreaterThanOrEqual(result.completedAt);
    expect(api.violations).toEqual([]);
    void again.catch(() => undefined);
  });

  it('rejects a result for an unknown request id and a second result for the same one', async () => {
    api = new RuntimeApi(BASE);
    const address = await api.start();
    const next = call(address, 'GET', NEXT);
    api.enqueue({ requestId: 'r', event: Buffer.from('{}') });
    await next;
    const unknown = await call(address, 'POST', '/2018-06-01/runtime/invocation/nope/response', {}, '1');
    const first = await call(address, 'POST', '/2018-06-01/runtime/invocation/r/error', { 'Lambda-Runtime-Function-Error-Type': 'Oops' }, '{"errorMessage":"m"}');
    const second = await call(address, 'POST', '/2018-06-01/runtime/invocation/r/response', {}, '1');
    expect([unknown.status, first.status, second.status]).toEqual([400, 202, 403]);
    expect(JSON.parse(unknown.body)).toMatchObject({ errorType: 'InvalidRequestID' });
  });

  it('completes init only when the runtime and every registered extension wait for events', async () => {
    // Prepare
    api = new RuntimeApi({ ...BASE, externalExtensionNames: ['collector'] });
    const address = await api.start();
    // Act
    const reg = await call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': 'collector', 'Lambda-Extension-Accept-Feature': 'accountId' }, '{"events":["INVOKE","SHUTDOWN"]}');
    const id = String(reg.headers['lambda-extension-identifier']);
    void call(address, 'GET', NEXT).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const doneBeforeExtension = api.isInitDone;
    const extNext = call(address, 'GET', EVENT_NEXT, { 'Lambda-Extension-Identifier': id });
    await api.initDone;
    const late = await call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': 'late' }, '{"events":["INVOKE"]}');
    const inv = api.enqueue({ requestId: 'x', event: Buffer.from('{}'), traceHeader: 'Root=1-2-3' });
    const event = JSON.parse((await extNext).body) as Record<string, unknown>;
    // Assess
    expect(reg.status).toBe(200);
    expect(JSON.parse(reg.body)).toEqual({ functionName: 'fn', functionVersion: '$LATEST', handler: 'index.handler', accountId: '111122223333' });
    expect(doneBeforeExtension).toBe(false);
    expect(JSON.parse(late.body)).toMatchObject({ errorType: 'Extension.RegistrationClosed' });
    expect(event).toMatchObject({ eventType: 'INVOKE', requestId: 'x', tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-2-3' } });
    expect(event.deadlineMs).toBe(inv.deadlineMs);
  });

  it('refuses SHUTDOWN for internal extensions and INVOKE on managed instances', async () => {
    api = new RuntimeApi({ ...BASE, maxConcurrency: 4, externalExtensionNames: ['ext'] });
    const address = await api.start();
    const internal = await call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': 'in-process' }, '{"events":["SHUTDOWN"]}');
    const invoke = await call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': 'ext' }, '{"events":["INVOKE","SHUTDOWN"]}');
    const shutdownOnly = await call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': 'ext' }, '{"events":["SHUTDOWN"]}');
    const nameless = await call(address, 'POST', REGISTER, {}, '{"events":[]}');
    expect(internal.status).toBe(403);
    expect(JSON.parse(internal.body)).toMatchObject({ errorType: 'Extension.InvalidEventType' });
    expect(invoke.status).toBe(403);
    expect(shutdownOnly.status).toBe(200);
    expect(JSON.parse(nameless.body)).toMatchObject({ errorType: 'Extension.InvalidExtensionName' });
  });

  it('answers a second registration of the same name with 403 Extension.InvalidExtensionState, as Lambda does', async () => {
    // Prepare: one internal extension (in the runtime process) and one external one.
    api = new RuntimeApi({ ...BASE, externalExtensionNames: ['collector'] });
    const address = await api.start();
    const register = (name: string): Promise<Reply> => call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': name }, '{"events":["INVOKE"]}');

    // Act
    const internal = [await register('otel-lambda-layer'), await register('otel-lambda-layer')];
    const external = [await register('collector'), await register('collector')];

    // Assess
    expect([...internal, ...external].map((reply) => reply.status)).toEqual([200, 403, 200, 403]);
    expect(JSON.parse(internal[1]!.body)).toMatchObject({ errorType: 'Extension.InvalidExtensionState' });
    expect(JSON.parse(external[1]!.body)).toMatchObject({ errorType: 'Extension.InvalidExtensionState' });
    expect(api.extensions().map((extension) => extension.name)).toEqual(['otel-lambda-layer', 'collector']);
  });

  it('fails init when an extension reports an init error', async () => {
    api = new RuntimeApi({ ...BASE, externalExtensionNames: ['ext'] });
    const address = await api.start();
    const reg = await call(address, 'POST', REGISTER, { 'Lambda-Extension-Name': 'ext' }, '{"events":["SHUTDOWN"]}');
    const id = String(reg.headers['lambda-extension-identifier']);
    const res = await call(address, 'POST', '/2020-01-01/extension/init/error', { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.ConfigInvalid' }, '{"errorMessage":"bad config"}');
    const failure = await api.initFailed;
    expect(res.status).toBe(202);
    expect(failure).toMatchObject({ source: 'extension', errorType: 'Extension.ConfigInvalid' });
    expect(api.extensions()[0]!.errors[0]!.kind).toBe('init');
  });

  it('records an init error with its error type', async () => {
    api = new RuntimeApi(BASE);
    const address = await api.start();
    const res = await call(address, 'POST', '/2018-06-01/runtime/init/error', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' }, '{"errorType":"Runtime.ImportModuleError","errorMessage":"no module","trace":["a"]}');
    const failure = await api.initFailed;
    expect(res.status).toBe(202);
    expect(failure.error).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: 'no module', stackTrace: ['a'] });
  });
});
