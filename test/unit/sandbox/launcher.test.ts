/**
 * Real runs of the local Lambda without any layer: real Node 22/24 binaries, real aws-lambda-ric.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAllFunctions, runtimePaths, startFunction } from '../../sandbox/index.ts';
import type { LambdaInstance, NodeMajor, RicVersion } from '../../sandbox/index.ts';

jest.setTimeout(30_000);

const HANDLERS = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.echo = async (event, context) => ({
  event,
  requestId: context.awsRequestId,
  traceEnv: process.env._X_AMZN_TRACE_ID,
  env: {
    AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV,
    AWS_LAMBDA_RUNTIME_API: process.env.AWS_LAMBDA_RUNTIME_API,
    HOME: process.env.HOME ?? null,
    WRAPPED_BY: process.env.WRAPPED_BY ?? null,
    AWS_LAMBDA_EXEC_WRAPPER: process.env.AWS_LAMBDA_EXEC_WRAPPER ?? null,
    NODE_PATH: process.env.NODE_PATH,
  },
  execArgv: process.execArgv,
  cwd: process.cwd(),
  version: process.version,
});
exports.fails = async () => {
  throw new RangeError('value out of range');
};
exports.streams = awslambda.streamifyResponse(async (event, stream) => {
  for (let i = 0; i < 3; i++) {
    stream.write('chunk-' + i + ';');
    await sleep(100);
  }
  stream.end();
});
exports.crashes = async () => {
  setTimeout(() => process.exit(7), 10);
  await sleep(2000);
};
exports.sleepy = async (event) => {
  if (event.sleep) await sleep(event.sleep);
  return 'awake';
};
`;

const RECORDER_EXTENSION = `#!/usr/bin/env node
// Registers for INVOKE and SHUTDOWN, lingers 300 ms after each INVOKE, logs what it saw as JSON lines.
const http = require('node:http');
const fs = require('node:fs');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const note = (entry) => fs.appendFileSync(process.env.RECORDER_FILE, JSON.stringify({ at: performance.timeOrigin + performance.now(), ...entry }) + '\\n');
const call = (method, path, headers, body) => new Promise((resolve, reject) => {
  const req = http.request({ host, port, method, path, headers, agent: false }, (res) => {
    let data = '';
    res.on('data', (c) => (data += c));
    res.on('end', () => resolve({ headers: res.headers, body: data }));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  const reg = await call('POST', '/2020-01-01/extension/register', { 'Lambda-Extension-Name': 'recorder' }, JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }));
  const id = reg.headers['lambda-extension-identifier'];
  note({ kind: 'registered', handlerVisible: process.env._HANDLER !== undefined });
  for (;;) {
    note({ kind: 'next' });
    const event = JSON.parse((await call('GET', '/2020-01-01/extension/event/next', { 'Lambda-Extension-Identifier': id })).body);
    note({ kind: 'event', event });
    if (event.eventType === 'SHUTDOWN') process.exit(0);
    await new Promise((r) => setTimeout(r, 300));
  }
})();
`;

let root: string;
let taskRoot: string;
let layerDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sandbox-launcher-'));
  taskRoot = join(root, 'task');
  layerDir = join(root, 'layer');
  mkdirSync(taskRoot);
  mkdirSync(join(layerDir, 'extensions'), { recursive: true });
  writeFileSync(join(taskRoot, 'index.js'), HANDLERS);
  writeFileSync(join(layerDir, 'extensions', 'recorder'), RECORDER_EXTENSION);
  chmodSync(join(layerDir, 'extensions', 'recorder'), 0o755);
  // Shaped like the layer's otel-handler: change the environment, then exec the runtime command.
  writeFileSync(join(root, 'wrapper'), '#!/bin/bash\nexport WRAPPED_BY="$0 $1"\nexec "$@"\n');
  chmodSync(join(root, 'wrapper'), 0o755);
});

afterAll(async () => {
  await killAllFunctions();
  rmSync(root, { recursive: true, force: true });
});

const COMBOS: [NodeMajor, RicVersion][] = [
  [24, 'v4'],
  [22, 'v3'],
];

describe.each(COMBOS)('Node %i with aws-lambda-ric %s', (node, ric) => {
  const start = (handler: string, timeoutMs = 3000): Promise<LambdaInstance> =>
    startFunction({ node, ric, taskRoot, handler: `index.${handler}`, timeoutMs });

  it('returns the exact response bytes, cold then warm, with Lambda environment', async () => {
    // Prepare
    const fn = await start('echo');
    try {
      // Act
      const cold = await fn.invoke({ n: 1 }, { traceHeader: 'Root=1-5f35ae12-0c0fec141ab77a00bc047aa2;Parent=2be948a625588e32;Sampled=1' });
      const warm = await fn.invoke(Buffer.from('{"n":2}'));
      // Assess
      expect(cold.status).toBe('success');
      expect(cold.initDurationMs).toBeGreaterThan(0);
      expect(warm.initDurationMs).toBeUndefined();
      const body = JSON.parse(cold.body!.toString()) as Record<string, any>;
      expect(cold.body!.toString()).toBe(JSON.stringify(body));
      expect(body.event).toEqual({ n: 1 });
      expect(body.requestId).toBe(cold.requestId);
      expect(body.traceEnv).toBe('Root=1-5f35ae12-0c0fec141ab77a00bc047aa2;Parent=2be948a625588e32;Sampled=1');
      expect(body.version).toMatch(new RegExp(`^v${node}\\.`));
      expect(body.env.AWS_EXECUTION_ENV).toBe(`AWS_Lambda_nodejs${node}.x`);
      expect(body.env.HOME).toBeNull();
      expect(body.env.NODE_PATH.endsWith(`:${taskRoot}`)).toBe(true);
      expect(body.execArgv).toEqual(expect.arrayContaining(['--expose-gc', '--max-old-space-size=922']));
      expect(body.cwd).toBe(taskRoot);
      expect(JSON.parse(warm.body!.toString()).event).toEqual({ n: 2 });
      expect(warm.timings.finishedAt!).toBeGreaterThanOrEqual(warm.timings.responseAt!);
      expect(fn.peakRssKb()).toBeGreaterThan(10_000);
      expect(fn.coldStarts()).toBe(1);
    } finally {
      await fn.shutdown();
    }
  });

  it("reports a thrown error's type and message", async () => {
    const fn = await start('fails');
    try {
      const res = await fn.invoke({});
      expect(res.status).toBe('error');
      expect(res.error).toMatchObject({ errorType: 'RangeError', errorMessage: 'value out of range' });
      expect(res.error!.stackTrace?.[0]).toContain('RangeError: value out of range');
    } finally {
      await fn.shutdown();
    }
  });

  it('receives a streamed response chunk by chunk as it is written', async () => {
    const fn = await start('streams');
    try {
      const res = await fn.invoke({});
      expect(res.status).toBe('success');
      expect(res.streamed).toBe(true);
      expect(res.body!.toString()).toBe('chunk-0;chunk-1;chunk-2;');
      const chunks = res.chunks!;
      expect(chunks.map((c) => c.data.toString())).toEqual(['chunk-0;', 'chunk-1;', 'chunk-2;']);
      expect(chunks[1]!.at - chunks[0]!.at).toBeGreaterThan(60);
      expect(chunks[2]!.at - chunks[1]!.at).toBeGreaterThan(60);
    } finally {
      await fn.shutdown();
    }
  });

  it('times out with Lambda’s message and re-initialises on the next invoke', async () => {
    const fn = await start('sleepy', 1000);
    try {
      const slow = await fn.invoke({ sleep: 5000 });
      const next = await fn.invoke({});
      expect(slow.status).toBe('timeout');
      expect(slow.error!.errorMessage).toBe('Task timed out after 1.00 seconds');
      expect(slow.timings.sentAt + 1000).toBeLessThanOrEqual(performance.timeOrigin + performance.now());
      expect(next.status).toBe('success');
      expect(next.body!.toString()).toBe('"awake"');
      expect(next.initDurationMs).toBeGreaterThan(0);
      expect(fn.coldStarts()).toBe(2);
    } finally {
      await fn.shutdown();
    }
  });

  it('starts the runtime through an exec wrapper the way the managed bootstrap does', async () => {
    const wrapper = join(root, 'wrapper');
    const fn = await startFunction({ node, ric, taskRoot, handler: 'index.echo', execWrapper: wrapper });
    try {
      const res = await fn.invoke({});
      const env = (JSON.parse(res.body!.toString()) as { env: Record<string, string> }).env;
      expect(env.WRAPPED_BY).toBe(`${wrapper} ${runtimePaths(node, ric).nodeBinary}`);
      expect(env.AWS_LAMBDA_EXEC_WRAPPER).toBe(wrapper);
      expect(fn.runtimePid()).toBeGreaterThan(0);
    } finally {
      await fn.shutdown();
    }
  });

  it('reports Runtime.ExitError when the runtime dies mid-invoke, then re-initialises', async () => {
    const fn = await start('crashes');
    try {
      const crashed = await fn.invoke({});
      const again = await fn.invoke({});
      expect(crashed.status).toBe('crash');
      expect(crashed.error).toMatchObject({ errorType: 'Runtime.ExitError' });
      expect(crashed.error!.errorMessage).toContain('exit status 7');
      expect(again.status).toBe('crash');
      expect(fn.coldStarts()).toBe(2);
    } finally {
      await fn.shutdown();
    }
  });

  it('reports Runtime.ImportModuleError when the handler module is missing', async () => {
    const fn = await startFunction({ node, ric, taskRoot, handler: 'missing.handler' });
    try {
      const res = await fn.invoke({});
      expect(res.status).toBe('init-error');
      expect(res.error!.errorType).toBe('Runtime.ImportModuleError');
      expect(res.error!.errorMessage).toContain("Cannot find module 'missing'");
    } finally {
      await fn.shutdown();
    }
  });
});

describe('external extensions', () => {
  it('finishes an invocation only when the extension is back at event/next, then sends it SHUTDOWN', async () => {
    // Prepare
    const recorderFile = join(root, 'recorder.jsonl');
    const fn = await startFunction({
      node: 24,
      ric: 'v4',
      taskRoot,
      handler: 'index.echo',
      layerDir,
      env: { RECORDER_FILE: recorderFile },
    });
    // Act
    const res = await fn.invoke({ with: 'extension' });
    await fn.shutdown();
    // Assess
    const t = res.timings;
    expect(res.status).toBe('success');
    expect(t.runtimeBackAt).toBeDefined();
    expect(t.extensionsBackAt.recorder).toBeGreaterThanOrEqual(t.responseAt! + 250);
    expect(t.finishedAt).toBeGreaterThanOrEqual(t.extensionsBackAt.recorder!);
    const seen = readFileSync(recorderFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const events = seen.filter((e) => e.kind === 'event').map((e) => e.event);
    expect(seen[0]).toMatchObject({ kind: 'registered', handlerVisible: false });
    expect(events[0]).toMatchObject({ eventType: 'INVOKE', requestId: res.requestId, tracing: { value: res.traceHeader } });
    expect(events[1]).toMatchObject({ eventType: 'SHUTDOWN', shutdownReason: 'spindown' });
    const lastNext = seen.filter((e) => e.kind === 'next')[1]!;
    expect(lastNext.at).toBeLessThanOrEqual(t.finishedAt!);
  });
});

describe('Lambda Managed Instances', () => {
  it('dispatches up to AWS_LAMBDA_MAX_CONCURRENCY invocations at once', async () => {
    const fn = await startFunction({
      node: 24,
      ric: 'v4',
      taskRoot,
      handler: 'index.sleepy',
      env: { AWS_LAMBDA_MAX_CONCURRENCY: '4', AWS_LAMBDA_NODEJS_WORKER_COUNT: '2' },
    });
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => fn.invoke({ sleep: 400 })));
      expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success']);
      const starts = results.map((r) => r.timings.dispatchedAt!);
      const ends = results.map((r) => r.timings.responseAt!);
      // All four ran at the same time: each started before any finished.
      expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
    } finally {
      await fn.shutdown();
    }
  });
});
