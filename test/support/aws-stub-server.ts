import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsStubServer {
  readonly url: string;
  readonly calls: string[];
  close(): Promise<void>;
}

/** A DynamoDB attribute value as the JSON protocol carries it (`{ "S": "o-1" }`, `{ "N": "42" }`, ...). */
export type AttributeValue = Record<string, unknown>;
export type DynamoDbItem = Record<string, AttributeValue>;

export interface AwsStubOptions {
  /**
   * Tables by name. With tables, DynamoDB GetItem answers the stored item whose attributes match
   * the request's Key (or no Item, as DynamoDB does for a missing key) and PutItem stores one;
   * without, every JSON call gets the same item back.
   */
  readonly dynamoDbTables?: Record<string, DynamoDbItem[]>;
}

const FIXED_ITEM = { Item: { id: { S: '42' } } };

/**
 * Answers AWS calls on 127.0.0.1 as S3 and DynamoDB would: ListBuckets (REST-XML) and the
 * DynamoDB JSON 1.0 operations (target in X-Amz-Target).
 */
export async function startAwsStubServer(options: AwsStubOptions = {}): Promise<AwsStubServer> {
  const calls: string[] = [];
  const tables = options.dynamoDbTables === undefined ? undefined : structuredClone(options.dynamoDbTables);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      if (typeof target === 'string') {
        calls.push(target);
        const answer = tables === undefined ? FIXED_ITEM : answerDynamoDb(tables, target, Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(answer));
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

interface ItemRequest {
  TableName?: string;
  Key?: DynamoDbItem;
  Item?: DynamoDbItem;
}

/** GetItem and PutItem against the tables; any other operation succeeds with an empty answer. */
function answerDynamoDb(tables: Record<string, DynamoDbItem[]>, target: string, body: string): unknown {
  const operation = target.slice(target.indexOf('.') + 1);
  const request = JSON.parse(body || '{}') as ItemRequest;
  const table = tables[request.TableName ?? ''] ?? [];
  if (operation === 'GetItem') {
    const item = table.find((candidate) => matchesKey(candidate, request.Key ?? {}));
    return item === undefined ? {} : { Item: item };
  }
  if (operation === 'PutItem' && request.Item !== undefined) {
    tables[request.TableName ?? ''] = [...table, request.Item];
  }
  return {};
}

function matchesKey(item: DynamoDbItem, key: DynamoDbItem): boolean {
  return Object.entries(key).every(([name, value]) => JSON.stringify(item[name]) === JSON.stringify(value));
}
