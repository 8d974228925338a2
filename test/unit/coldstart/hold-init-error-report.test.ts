import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { holdInitErrorReport, type InitErrorReport } from '../../../src/coldstart/hold-init-error-report.ts';

interface Arrival {
  at: number;
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
}

/** A stand-in for the Runtime API that records what arrives and answers 202 as Lambda does. */
async function startRuntimeApi(): Promise<{ server: Server; address: string; arrivals: Arrival[] }> {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      arrivals.push({ at: performance.now(), path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"OK"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

/** Posts the way both runtime clients post to the Runtime API: their own keep-alive agent, the body given to end(). */
function postLikeTheRuntime(agent: Agent, address: string, path: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const [hostname, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port: Number(port), path, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body, 'utf-8');
  });
}

const REPORT = { errorType: 'Runtime.ImportModuleError', errorMessage: "Error: Cannot find module 'missing'", trace: ["Runtime.ImportModuleError: Error: Cannot find module 'missing'", '    at x (file:///var/runtime/index.mjs:1:1)'] };
const INIT_ERROR = '/2018-06-01/runtime/init/error';

describe('holding the init error report', () => {
  let api: Awaited<ReturnType<typeof startRuntimeApi>>;
  let agent: Agent;

  beforeEach(async () => {
    api = await startRuntimeApi();
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterEach(async () => {
    agent.destroy();
    await new Promise((resolve) => api.server.close(resolve));
  });

  it('sends the report unchanged only once the work before it is done, and hands that work the report', async () => {
    // Prepare
    let flushedAt = Number.POSITIVE_INFINITY;
    const seen: InitErrorReport[] = [];
    const gate = holdInitErrorReport(api.address, async (report) => {
      seen.push(report);
      await new Promise((resolve) => setTimeout(resolve, 60));
      flushedAt = performance.now();
    });
    const body = JSON.stringify(REPORT);

    // Act
    const status = await postLikeTheRuntime(agent, api.address, INIT_ERROR, body, { 'Lambda-Runtime-Function-Error-Type': REPORT.errorType });
    gate.release();

    // Assess
    expect(status).toBe(202);
    expect(seen).toEqual([REPORT]);
    expect(api.arrivals).toHaveLength(1);
    expect(api.arrivals[0]!.at).toBeGreaterThanOrEqual(flushedAt);
    expect(api.arrivals[0]!.body).toBe(body);
    expect(api.arrivals[0]!.headers['lambda-runtime-function-error-type']).toBe(REPORT.errorType);
  });

  it('sends the report when the work before it fails', async () => {
    // Prepare
    const gate = holdInitErrorReport(api.address, () => Promise.reject(new Error('collector down')));

    // Act
    const status = await postLikeTheRuntime(agent, api.address, INIT_ERROR, JSON.stringify(REPORT));
    gate.release();

    // Assess
    expect(status).toBe(202);
    expect(api.arrivals.map((arrival) => arrival.path)).toEqual([INIT_ERROR]);
  });

  it('lets every other request through at once, and holds nothing once released', async () => {
    // Prepare
    const held: string[] = [];
    const gate = holdInitErrorReport(api.address, async (report) => {
      held.push(report.errorType);
      await new Promise<void>(() => undefined);
    });

    // Act
    const next = await postLikeTheRuntime(agent, api.address, '/2018-06-01/runtime/invocation/1/response', '{}');
    const elsewhere = await postLikeTheRuntime(agent, api.address, INIT_ERROR.replace('init', 'other'), '{}');
    gate.release();
    const afterRelease = await postLikeTheRuntime(agent, api.address, INIT_ERROR, JSON.stringify(REPORT));

    // Assess
    expect([next, elsewhere, afterRelease]).toEqual([202, 202, 202]);
    expect(held).toEqual([]);
    expect((Agent.prototype as unknown as { addRequest: Function }).addRequest.name).not.toBe('holdingAddRequest');
  });

  it('describes a report whose body is not the usual JSON by its error type header', async () => {
    // Prepare
    const seen: InitErrorReport[] = [];
    const gate = holdInitErrorReport(api.address, async (report) => {
      seen.push(report);
    });

    // Act
    await postLikeTheRuntime(agent, api.address, INIT_ERROR, 'not json', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ExitError' });
    gate.release();

    // Assess
    expect(seen).toEqual([{ errorType: 'Runtime.ExitError', errorMessage: '', trace: [] }]);
  });
});
