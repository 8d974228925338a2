/**
 * Issue 11, part 2: every instrumentation patches its library however the function loads it.
 * The same five client libraries (pg, mysql2, ioredis, mongodb, undici; registry versions pinned
 * in the fixture's lock file) loaded with require() from CommonJS, static imports from an .mjs
 * handler, dynamic import() from a "type": "module" handler, and an esbuild ES module bundle
 * with packages left external: each style must give the same client spans, children of the
 * invocation span. Real PostgreSQL, MariaDB and Redis on loopback; MongoDB through a wire stub.
 * And a dual package whose import resolves to its ES module build (openai), traced as its
 * CommonJS build is; and pino, whose instrumentation returns a new exports object.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startOtlpReceiver, type OtlpReceiver } from '../sandbox/index.ts';
import { clientChildrenOf, invocationSpansOf, outputLines, summarizeClientSpan, type ClientSpanSummary } from '../support/config-harness.ts';
import { startAll, startMariaDb, startPostgres, startRedis, type DatabaseServer } from '../support/database-servers.ts';
import { RUNTIME_COMBINATIONS, startWithLayer, withFunction } from '../support/layer-function.ts';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server.ts';
import { startMongoWireStub, type MongoWireStub } from '../support/mongo-wire-stub.ts';
import { HANDLER_FIXTURES } from '../support/paths.ts';

jest.setTimeout(120_000);

const FIXTURE = join(HANDLER_FIXTURES, 'db-clients');
const OPENAI_FIXTURE = join(HANDLER_FIXTURES, 'openai-client');
const PINO_FIXTURE = join(HANDLER_FIXTURES, 'pino-logger');

interface Servers {
  postgres: DatabaseServer;
  mariadb: DatabaseServer;
  redis: DatabaseServer;
  mongo: MongoWireStub;
  http: LocalHttpServer;
  openai: LocalHttpServer;
}

/** What OpenAI's chat completions API answers (https://platform.openai.com/docs/api-reference/chat/object). */
const CHAT_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_767_225_600,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

let servers: Servers;
let receiver: OtlpReceiver;
let bundleDir: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'otel-lambda-db-bundle-'));
  // The way esbuild users ship ES modules with dependencies in node_modules (--packages=external).
  await build({ entryPoints: [join(FIXTURE, 'import-clients.mjs')], bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node22', outfile: join(bundleDir, 'index.mjs'), logLevel: 'silent' });
  writeFileSync(join(bundleDir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(FIXTURE, 'node_modules'), join(bundleDir, 'node_modules'));
  receiver = await startOtlpReceiver();
  servers = await startAll({
    postgres: startPostgres(),
    mariadb: startMariaDb(),
    redis: startRedis(),
    mongo: startMongoWireStub(),
    http: startLocalHttpServer({ inStock: 3 }),
    openai: startLocalHttpServer(CHAT_COMPLETION),
  });
});

afterAll(async () => {
  await Promise.all([...Object.values(servers ?? {}).map((server: { close(): Promise<void> }) => server.close()), receiver?.close()]);
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
});

/** `sku` tells this invoke's document apart from those other tests stored in the stub. */
function eventFor(s: Servers, sku: string): unknown {
  return {
    sku,
    postgres: { host: s.postgres.host, port: s.postgres.port, user: 'postgres', database: 'postgres' },
    mysql: { host: s.mariadb.host, port: s.mariadb.port, user: 'root' },
    redis: { host: s.redis.host, port: s.redis.port },
    mongo: { url: s.mongo.url },
    http: s.http.url,
  };
}

const LOADING_STYLES = [
  { style: 'require() from a CommonJS handler', taskRoot: () => FIXTURE, handler: 'require-clients.handler' },
  { style: 'static imports from an .mjs handler', taskRoot: () => FIXTURE, handler: 'import-clients.handler' },
  { style: 'dynamic import() from a "type": "module" handler', taskRoot: () => join(FIXTURE, 'type-module'), handler: 'index.handler' },
  { style: 'an esbuild ES module bundle with packages external', taskRoot: () => bundleDir, handler: 'index.handler' },
];

/** What each library's instrumentation records for the fixture's calls, whatever the loading style. */
function expectedSpans(s: Servers): ClientSpanSummary[] {
  const mongoPort = Number(new URL(s.mongo.url).port);
  const httpPort = Number(new URL(s.http.url).port);
  const redis = (name: string, request: string): ClientSpanSummary => ({ name, system: 'redis', serverPort: s.redis.port, request });
  const mongo = (name: string, request: string): ClientSpanSummary => ({ name, system: 'mongodb', serverPort: mongoPort, request });
  return [
    { name: 'pg.connect', system: 'postgresql', serverPort: s.postgres.port, request: undefined },
    { name: 'pg.query:SELECT postgres', system: 'postgresql', serverPort: s.postgres.port, request: 'SELECT 1 AS one' },
    { name: 'SELECT', system: 'mysql', serverPort: s.mariadb.port, request: 'SELECT 2 AS two' },
    // ioredis's connection handshake, then the function's own two commands.
    redis('connect', 'connect'),
    redis('hello', 'hello [1 other arguments]'),
    redis('client', 'client SETINFO LIB-VER 6.0.0'),
    redis('client', 'client SETINFO LIB-NAME ioredis'),
    redis('info', 'info'),
    redis('set', 'set greeting [1 other arguments]'),
    redis('get', 'get greeting'),
    mongo('insert orders', '{"sku":"?","_id":"?"}'),
    mongo('find orders', '{"find":"?","filter":{"sku":"?"}}'),
    mongo('endSessions $cmd', '{"endSessions":[{"id":"?"}],"writeConcern":{"w":"?"}}'),
    { name: 'GET', system: 'http', serverPort: httpPort, request: '/stock' },
  ].sort(byName);
}

function byName(a: ClientSpanSummary, b: ClientSpanSummary): number {
  return a.name.localeCompare(b.name) || (a.request ?? '').localeCompare(b.request ?? '');
}

describe.each(RUNTIME_COMBINATIONS)('client libraries on Node $node with aws-lambda-ric $ric', ({ node, ric }) => {
  it.each(LOADING_STYLES)('are traced when loaded by $style', async ({ style, taskRoot, handler }) => {
    const functionName = `db-clients-${style.replace(/\W+/g, '-')}-node${node}-${ric}`;

    const result = await withFunction(
      // Loading five client libraries in the first invocation (the dynamic-import handler) takes
      // seconds on a busy 2-core machine, with or without the layer.
      startWithLayer({ node, ric, taskRoot: taskRoot(), handler, functionName, timeoutMs: 30_000, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      (fn) => fn.invoke(eventFor(servers, functionName)),
    );

    expect(result.status).toBe('success');
    expect(JSON.parse(result.body!.toString())).toEqual({ pg: 1, mysql: 2, redis: 'hello', mongo: 1, undici: { inStock: 3 } });
    const spans = receiver.spans();
    const [invocation] = invocationSpansOf(spans, result.requestId);
    expect(invocation).toBeDefined();
    expect(clientChildrenOf(spans, invocation!).map(summarizeClientSpan).sort(byName)).toEqual(expectedSpans(servers));
  });
});

describe.each(RUNTIME_COMBINATIONS)('the ES module build of a dual package on Node $node with aws-lambda-ric $ric', ({ node, ric }) => {
  it.each([
    { build: 'CommonJS build, required', handler: 'require-openai.handler' },
    { build: 'ES module build, imported', handler: 'import-openai.handler' },
  ])('is traced like its CommonJS build: openai, $build', async ({ build: which, handler }) => {
    const functionName = `openai-${which.replace(/\W+/g, '-')}-node${node}-${ric}`;

    const { result, layerLines } = await withFunction(
      startWithLayer({ node, ric, taskRoot: OPENAI_FIXTURE, handler, functionName, timeoutMs: 30_000, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      async (fn) => {
        const invoked = await fn.invoke({ baseURL: `${servers.openai.url}/v1` });
        return { result: invoked, layerLines: fn.logs.filter((line) => line.line.includes('[otel-lambda]')).map((line) => line.line) };
      },
    );

    expect(result.status).toBe('success');
    // The instrumentation records its metrics through instruments made when it is given a meter
    // provider; without one, every chat call logged an error of the layer's.
    expect(layerLines).toEqual([]);
    expect(JSON.parse(result.body!.toString())).toEqual({ answer: 'hello' });
    const spans = receiver.spans();
    const [invocation] = invocationSpansOf(spans, result.requestId);
    expect(invocation).toBeDefined();
    const chats = clientChildrenOf(spans, invocation!);
    expect(chats.map(summarizeClientSpan)).toEqual([{ name: 'chat gpt-4o-mini', system: 'openai', serverPort: Number(new URL(servers.openai.url).port), request: undefined }]);
    // The client's own fetch, under the chat span.
    expect(clientChildrenOf(spans, chats[0]!).map(summarizeClientSpan)).toEqual([{ name: 'POST', system: 'http', serverPort: Number(new URL(servers.openai.url).port), request: '/v1/chat/completions' }]);
  });
});

describe.each(RUNTIME_COMBINATIONS)('a library whose instrumentation returns new exports on Node $node with aws-lambda-ric $ric', ({ node, ric }) => {
  it.each([
    { style: 'required', handler: 'require-pino.handler' },
    { style: 'imported', handler: 'import-pino.handler' },
  ])('puts the invocation’s trace context into pino’s log lines: pino $style', async ({ style, handler }) => {
    const functionName = `pino-${style}-node${node}-${ric}`;

    const { result, logs } = await withFunction(
      startWithLayer({ node, ric, taskRoot: PINO_FIXTURE, handler, functionName, timeoutMs: 30_000, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }),
      async (fn) => ({ result: await fn.invoke({}), logs: fn.logs }),
    );

    expect(result.status).toBe('success');
    const [invocation] = invocationSpansOf(receiver.spans(), result.requestId);
    expect(invocation).toBeDefined();
    const logged = outputLines(logs, 'stdout')
      .filter((line) => line.includes('order handled'))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
    expect(logged).toEqual([expect.objectContaining({ msg: 'order handled', order: 42, trace_id: invocation!.traceId, span_id: invocation!.spanId })]);
  });
});
