import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { answerAwsRequest, type DynamoDbItem, type StubAnswer } from './aws-stub-answers.ts';

export type { AttributeValue, DynamoDbItem } from './aws-stub-answers.ts';

/** One call the stub answered. */
export interface AwsStubCall {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly target: string | undefined;
  readonly status: number;
  readonly requestId: string;
}

export interface AwsStubServer {
  /** HTTP/1.1, what most clients send over. */
  readonly url: string;
  /** Cleartext HTTP/2, what the Kinesis client sends over (its default `NodeHttp2Handler`). */
  readonly http2Url: string;
  readonly calls: AwsStubCall[];
  close(): Promise<void>;
}

export interface AwsStubOptions {
  /**
   * DynamoDB tables by name. With tables, GetItem answers the stored item whose attributes match
   * the request's Key (or no Item, as DynamoDB does for a missing key) and PutItem stores one;
   * without, GetItem answers the same item for every key.
   */
  readonly dynamoDbTables?: Readonly<Record<string, DynamoDbItem[]>>;
}

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

/**
 * Answers AWS SDK v3 clients as the services would (see aws-stub-answers.ts), on loopback: one
 * port for HTTP/1.1 and one for cleartext HTTP/2 (Node's HTTP/2 server reads its socket
 * natively, so one port cannot serve both).
 */
export async function startAwsStubServer(options: AwsStubOptions = {}): Promise<AwsStubServer> {
  const calls: AwsStubCall[] = [];
  const tables = options.dynamoDbTables === undefined ? undefined : structuredClone(options.dynamoDbTables) as Record<string, DynamoDbItem[]>;
  const handle = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const authorization = request.headers.authorization ?? '';
      const service = CREDENTIAL_SCOPE.exec(authorization)?.[1] ?? 'unsigned';
      const path = request.url ?? '/';
      const answer: StubAnswer = answerAwsRequest({
        method: request.method ?? 'GET',
        path,
        query: new URL(path, 'http://stub').searchParams,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        service,
      }, tables);
      const target = request.headers['x-amz-target'];
      calls.push({ service, method: request.method ?? '', path, target: typeof target === 'string' ? target : undefined, status: answer.status, requestId: answer.requestId });
      // HTTP/2 forbids connection-specific headers; the compatibility API takes the same call.
      (response as ServerResponse).writeHead(answer.status, answer.headers);
      response.end(answer.body);
    });
  };
  const http1 = createHttp1Server(handle);
  const http2 = createHttp2Server(handle);
  const sessions = new Set<{ destroy(): void }>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const listen = async (server: typeof http1 | typeof http2): Promise<string> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const [url, http2Url] = [await listen(http1), await listen(http2)];
  return {
    url,
    http2Url,
    calls,
    close: async () => {
      http1.closeAllConnections();
      for (const session of sessions) session.destroy();
      await Promise.all([new Promise((resolve) => http1.close(resolve)), new Promise((resolve) => http2.close(resolve))]);
    },
  };
}
