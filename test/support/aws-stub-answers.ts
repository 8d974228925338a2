import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** One request as the stub sees it (the body is complete: a stub may buffer). */
export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** The signing name in the SigV4 credential scope: which service the client meant. */
  readonly service: string;
}

/** A DynamoDB attribute value as the JSON protocol carries it (`{ "S": "o-1" }`, `{ "N": "42" }`, ...). */
export type AttributeValue = Record<string, unknown>;
export type DynamoDbItem = Record<string, AttributeValue>;

export interface StubAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The request id the answer carries, as the service would send it. */
  readonly requestId: string;
}

/**
 * Answers as the services do, by protocol (as the SDK's own service models say: DynamoDB, SQS and
 * Step Functions speak AWS JSON 1.0; EventBridge, Kinesis, Secrets Manager, SSM and KMS JSON 1.1;
 * SNS and STS the query protocol; S3 REST-XML; Lambda REST-JSON), with the request-id headers
 * each sends: `x-amzn-RequestId` (a UUID) for most, `x-amz-request-id` (16 hex digits) plus
 * `x-amz-id-2` for S3. A name containing `missing` (table, queue, topic, key, function) gets the
 * service's "not found" error. With `tables`, DynamoDB GetItem and PutItem read and write them.
 */
export function answerAwsRequest(request: StubRequest, tables?: Record<string, DynamoDbItem[]>): StubAnswer {
  const target = header(request, 'x-amz-target');
  if (target !== undefined) return answerJson(request, target, tables);
  if (request.service === 's3') return answerS3(request);
  if (request.service === 'lambda') return answerLambda(request);
  if (header(request, 'content-type')?.startsWith('application/x-www-form-urlencoded') === true) return answerQuery(request);
  return withAmznId(400, 'application/json', JSON.stringify({ message: `the AWS stub does not answer ${request.service} ${request.method} ${request.path}` }));
}

function header(request: StubRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function withAmznId(status: number, contentType: string, body: string, extra: Record<string, string> = {}): StubAnswer {
  const requestId = randomUUID();
  return { status, headers: { 'x-amzn-RequestId': requestId, 'content-type': contentType, ...extra }, body, requestId };
}

const JSON_ANSWERS: Record<string, (input: Record<string, unknown>) => unknown> = {
  GetItem: () => ({ Item: { id: { S: '42' } } }),
  SendMessage: (input) => ({ MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(String(input['MessageBody'])).digest('hex') }),
  GetQueueUrl: (input) => ({ QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${String(input['QueueName'])}` }),
  PutRecord: () => ({ ShardId: 'shardId-000000000000', SequenceNumber: '49590338271490256608559692538361571095921575989136588898' }),
  PutEvents: () => ({ FailedEntryCount: 0, Entries: [{ EventId: randomUUID() }] }),
  GetSecretValue: (input) => ({ ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${String(input['SecretId'])}-AbCdEf`, Name: input['SecretId'], SecretString: 'not-a-secret', VersionId: randomUUID() }),
  GetParameter: (input) => ({ Parameter: { Name: input['Name'], Type: 'String', Value: 'value', Version: 1 } }),
  Encrypt: (input) => ({ CiphertextBlob: randomBytes(32).toString('base64'), KeyId: input['KeyId'], EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  StartExecution: (input) => ({ executionArn: `${String(input['stateMachineArn']).replace(':stateMachine:', ':execution:')}:${randomUUID()}`, startDate: 1_767_225_600 }),
};

/** DynamoDB against the tables: GetItem finds the item matching the Key (none: no Item), PutItem stores one. */
function answerFromTables(tables: Record<string, DynamoDbItem[]>, operation: string, input: Record<string, unknown>): unknown {
  const name = String(input['TableName']);
  const table = tables[name] ?? [];
  if (operation === 'GetItem') {
    const key = (input['Key'] ?? {}) as DynamoDbItem;
    const item = table.find((candidate) => Object.entries(key).every(([attribute, value]) => JSON.stringify(candidate[attribute]) === JSON.stringify(value)));
    return item === undefined ? {} : { Item: item };
  }
  if (operation === 'PutItem') tables[name] = [...table, input['Item'] as DynamoDbItem];
  return JSON_ANSWERS[operation]?.(input) ?? {};
}

/** AWS JSON 1.0 / 1.1: the operation is the part of X-Amz-Target after the dot. */
function answerJson(request: StubRequest, target: string, tables: Record<string, DynamoDbItem[]> | undefined): StubAnswer {
  const contentType = header(request, 'content-type') ?? 'application/x-amz-json-1.0';
  const input = (request.body === '' ? {} : JSON.parse(request.body)) as Record<string, unknown>;
  const named = [input['TableName'], input['QueueUrl'], input['StreamName'], input['SecretId'], input['Name']].map(String);
  if (named.some((name) => name.includes('missing'))) {
    // SQS is "query compatible": it also names the old query error code in a header.
    const sqs = request.service === 'sqs';
    return withAmznId(
      400,
      contentType,
      JSON.stringify({ __type: sqs ? 'com.amazonaws.sqs#QueueDoesNotExist' : 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }),
      sqs ? { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' } : {},
    );
  }
  const operation = target.slice(target.indexOf('.') + 1);
  const answer = tables !== undefined && request.service === 'dynamodb' ? answerFromTables(tables, operation, input) : (JSON_ANSWERS[operation]?.(input) ?? {});
  return withAmznId(200, contentType, JSON.stringify(answer));
}

const QUERY_RESULTS: Record<string, string> = {
  Publish: `<MessageId>${randomUUID()}</MessageId>`,
  GetCallerIdentity: '<Arn>arn:aws:iam::123456789012:user/tester</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>',
};

/** The query protocol: form-encoded `Action=…` in, `<ActionResponse>` XML out. */
function answerQuery(request: StubRequest): StubAnswer {
  const form = new URLSearchParams(request.body);
  const action = form.get('Action') ?? 'Unknown';
  const requestId = randomUUID();
  const headers = { 'x-amzn-RequestId': requestId, 'content-type': 'text/xml' };
  if ([...form.values()].some((value) => value.includes('missing'))) {
    const body = `<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: 404, headers, body, requestId };
  }
  const body = `<${action}Response><${action}Result>${QUERY_RESULTS[action] ?? ''}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers, body, requestId };
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** S3's REST-XML: what is asked follows from the method, the path and the query's subresource. */
function answerS3(request: StubRequest): StubAnswer {
  // S3's ids: 16 upper-case hex digits, and a base64 "host id" (x-amz-id-2).
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const headers: Record<string, string> = { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(56).toString('base64') };
  const answer = (status: number, body = '', extra: Record<string, string> = {}): StubAnswer => ({
    status,
    headers: { ...headers, ...(body === '' ? {} : { 'content-type': 'application/xml' }), ...extra },
    body: body === '' ? '' : `${XML_DECLARATION}${body}`,
    requestId,
  });
  const { method, query } = request;
  const missing = /\/missing$/.test(request.path.split('?')[0] ?? '');
  if (missing) {
    return method === 'HEAD'
      ? answer(404)
      : answer(404, `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>missing</Key><RequestId>${requestId}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`);
  }
  if (query.get('x-id') === 'ListBuckets') {
    return answer(200, '<ListAllMyBucketsResult><Buckets><Bucket><Name>orders</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>');
  }
  if (query.has('uploads')) return answer(200, '<InitiateMultipartUploadResult><Bucket>orders</Bucket><Key>big</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>');
  if (method === 'POST' && query.has('uploadId')) return answer(200, '<CompleteMultipartUploadResult><Bucket>orders</Bucket><Key>big</Key><ETag>"etag-2"</ETag></CompleteMultipartUploadResult>');
  if (method === 'POST' && query.has('delete')) return answer(200, '<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>');
  if (method === 'GET' && query.has('tagging')) return answer(200, '<Tagging><TagSet><Tag><Key>team</Key><Value>orders</Value></Tag></TagSet></Tagging>');
  if (method === 'GET' && query.has('location')) return answer(200, '<LocationConstraint>eu-west-1</LocationConstraint>');
  if (method === 'GET' && query.get('list-type') === '2') return answer(200, '<ListBucketResult><Name>orders</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>');
  if (query.get('x-id') === 'CopyObject') return answer(200, '<CopyObjectResult><ETag>"etag-3"</ETag><LastModified>2026-01-01T00:00:00.000Z</LastModified></CopyObjectResult>');
  if (query.get('x-id') === 'GetObject') return { ...answer(200, '', { 'content-type': 'text/plain', etag: '"etag-1"' }), body: 'hello' };
  if (method === 'HEAD') return answer(200, '', { 'content-length': '5', etag: '"etag-1"', 'x-amz-bucket-region': 'us-east-1' });
  if (method === 'DELETE') return answer(204);
  if (method === 'PUT') return answer(200, '', { etag: '"etag-1"' });
  return answer(200);
}

/** Lambda's REST-JSON API. */
function answerLambda(request: StubRequest): StubAnswer {
  const path = request.path.split('?')[0] ?? '';
  if (path.includes('/functions/missing')) {
    return withAmznId(404, 'application/json', JSON.stringify({ Type: 'User', message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing' }), {
      'x-amzn-ErrorType': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awsgirapi/',
    });
  }
  if (path.endsWith('/invocations')) return withAmznId(200, 'application/json', JSON.stringify({ ok: true }), { 'X-Amz-Executed-Version': '$LATEST' });
  if (path.endsWith('/functions/')) return withAmznId(200, 'application/json', JSON.stringify({ Functions: [] }));
  return withAmznId(200, 'application/json', JSON.stringify({ Configuration: { FunctionName: path.split('/')[3] } }));
}
