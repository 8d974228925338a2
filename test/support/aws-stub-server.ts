import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsStubServer {
  readonly url: string;
  readonly calls: string[];
  close(): Promise<void>;
}

/**
 * Answers the two AWS calls the aws-sdk fixture makes, as S3 and DynamoDB would:
 * ListBuckets (REST-XML) and GetItem (JSON 1.0, target in X-Amz-Target).
 */
export async function startAwsStubServer(): Promise<AwsStubServer> {
  const calls: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      if (typeof target === 'string') {
        calls.push(target);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ Item: { id: { S: '42' } } }));
        return;
      }
      calls.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end('<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets><Bucket><Name>orders</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
