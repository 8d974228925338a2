import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adviceFor, type OtlpSignal } from '../../../src/exporters/export-advice.ts';
import { createOtlpTransport } from '../../../src/exporters/otlp-transport.ts';
import { OtlpHttpStatusError } from '../../../src/exporters/post-otlp.ts';

describe('adviceFor', () => {
  it.each([401, 403])('names the headers and credentials when the endpoint answers %i', (status) => {
    const advice = adviceFor(new OtlpHttpStatusError(status));

    expect(advice).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(advice).toContain('OTEL_EXPORTER_OTLP_TRACES_HEADERS');
    expect(advice).toContain('credentials');
    expect(advice).not.toContain('collector is running');
  });

  it('names the headers first when the endpoint answers 400', () => {
    expect(adviceFor(new OtlpHttpStatusError(400))).toMatch(/check the headers in OTEL_EXPORTER_OTLP_HEADERS/);
  });

  it.each<OtlpSignal>(['METRICS', 'LOGS'])('names the %s variables for that signal’s exports', (signal) => {
    for (const status of [400, 401, 403]) {
      const advice = adviceFor(new OtlpHttpStatusError(status), signal);

      expect(advice).toContain(`OTEL_EXPORTER_OTLP_${signal}_HEADERS`);
      expect(advice).not.toContain('TRACES');
    }
  });

  it('points at the endpoint and the collector for anything else', () => {
    expect(adviceFor(new OtlpHttpStatusError(503))).toContain('collector is running');
    expect(adviceFor(new Error('connect ECONNREFUSED'))).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});

describe('the metric and log exporters’ transport', () => {
  let server: Server;
  let status = 200;
  let url = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(status).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([401, 403, 400])('fails an export the endpoint answers %i with the advice in the error, and never a header value', async (answer) => {
    // Prepare
    status = answer;
    const transport = createOtlpTransport({ protocol: 'http/protobuf', url, headers: { authorization: 'Bearer expired-key' }, timeoutMs: 2000, compression: 'none' }, 'METRICS');

    // Act
    const response = await transport.send(new Uint8Array([1, 2, 3]), 2000);

    // Assess
    expect(response.status).toBe('failure');
    const message = response.status === 'failure' ? response.error.message : '';
    expect(message).toContain(`answered ${answer}`);
    expect(message).toContain('OTEL_EXPORTER_OTLP_METRICS_HEADERS');
    expect(message).not.toContain('expired-key');
  });

  it('succeeds as before when the endpoint accepts', async () => {
    status = 200;
    const transport = createOtlpTransport({ protocol: 'http/protobuf', url, headers: {}, timeoutMs: 2000, compression: 'none' }, 'LOGS');

    expect(await transport.send(new Uint8Array([1]), 2000)).toEqual({ status: 'success' });
  });
});
