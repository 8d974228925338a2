/**
 * The AWS SDK v3 calls the recogniser is tested with: at least one per protocol and service the
 * README's table covers, plus S3's REST routes in path-style and virtual-hosted form, and one
 * "not found" error per protocol (aws-stub-answers.ts answers names containing `missing` so), and
 * one call per protocol through the fetch handler.
 */
export interface AwsSdkCall {
  /** `@aws-sdk/<client>` in test/fixtures/aws-sdk-clients. */
  readonly client: string;
  readonly clientClass: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly region: string;
  /** S3 only: the bucket in the host name (`orders.s3.….amazonaws.com`) rather than the path. */
  readonly virtualHosted?: boolean;
  /** Sent with the fetch handler (`@smithy/fetch-http-handler`) instead of the default node:http one. */
  readonly fetch?: boolean;
}

const s3 = (command: string, input: Record<string, unknown>, virtualHosted = false): AwsSdkCall => ({
  client: 'client-s3',
  clientClass: 'S3Client',
  command,
  input,
  region: virtualHosted ? 'us-east-1' : 'eu-west-1',
  virtualHosted,
});
const object = { Bucket: 'orders', Key: 'invoices/2026/42.json' };

export const AWS_SDK_CALLS: readonly AwsSdkCall[] = [
  s3('ListBuckets', {}),
  s3('CreateBucket', { Bucket: 'orders' }),
  s3('HeadBucket', { Bucket: 'orders' }),
  s3('GetBucketLocation', { Bucket: 'orders' }),
  s3('PutObject', { ...object, Body: 'hello' }),
  s3('GetObject', object),
  s3('HeadObject', object),
  s3('CopyObject', { ...object, Key: 'copy.json', CopySource: 'orders/invoices/2026/42.json' }),
  s3('ListObjectsV2', { Bucket: 'orders', Prefix: 'invoices/' }),
  s3('PutObjectTagging', { ...object, Tagging: { TagSet: [{ Key: 'team', Value: 'orders' }] } }),
  s3('GetObjectTagging', object),
  s3('DeleteObjects', { Bucket: 'orders', Delete: { Objects: [{ Key: 'a' }] } }),
  s3('CreateMultipartUpload', { Bucket: 'orders', Key: 'big' }),
  s3('UploadPart', { Bucket: 'orders', Key: 'big', UploadId: 'upload-1', PartNumber: 1, Body: 'part' }),
  s3('CompleteMultipartUpload', { Bucket: 'orders', Key: 'big', UploadId: 'upload-1', MultipartUpload: { Parts: [{ ETag: '"etag-1"', PartNumber: 1 }] } }),
  s3('AbortMultipartUpload', { Bucket: 'orders', Key: 'big', UploadId: 'upload-1' }),
  s3('DeleteObject', object),
  s3('GetObject', { Bucket: 'orders', Key: 'missing' }),
  s3('ListBuckets', {}, true),
  s3('HeadBucket', { Bucket: 'orders' }, true),
  s3('PutObject', { ...object, Body: 'hello' }, true),
  s3('GetObject', object, true),
  s3('HeadObject', object, true),
  s3('ListObjectsV2', { Bucket: 'orders' }, true),
  s3('DeleteObject', object, true),
  { client: 'client-dynamodb', clientClass: 'DynamoDBClient', command: 'GetItem', input: { TableName: 'orders', Key: { id: { S: '42' } } }, region: 'us-east-1' },
  { client: 'client-dynamodb', clientClass: 'DynamoDBClient', command: 'PutItem', input: { TableName: 'orders', Item: { id: { S: '42' } } }, region: 'us-east-1' },
  { client: 'client-dynamodb', clientClass: 'DynamoDBClient', command: 'Query', input: { TableName: 'orders', KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: '42' } } }, region: 'us-east-1' },
  { client: 'client-dynamodb', clientClass: 'DynamoDBClient', command: 'GetItem', input: { TableName: 'missing', Key: { id: { S: '42' } } }, region: 'us-east-1' },
  { client: 'client-sqs', clientClass: 'SQSClient', command: 'SendMessage', input: { QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/orders', MessageBody: 'hello' }, region: 'eu-central-1' },
  { client: 'client-sqs', clientClass: 'SQSClient', command: 'ReceiveMessage', input: { QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/orders' }, region: 'eu-central-1' },
  { client: 'client-sqs', clientClass: 'SQSClient', command: 'GetQueueUrl', input: { QueueName: 'orders' }, region: 'eu-central-1' },
  { client: 'client-sqs', clientClass: 'SQSClient', command: 'SendMessage', input: { QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/123456789012/missing', MessageBody: 'hello' }, region: 'eu-central-1' },
  { client: 'client-sns', clientClass: 'SNSClient', command: 'Publish', input: { TopicArn: 'arn:aws:sns:ap-southeast-2:123456789012:orders', Message: 'hello' }, region: 'ap-southeast-2' },
  { client: 'client-sns', clientClass: 'SNSClient', command: 'Publish', input: { TopicArn: 'arn:aws:sns:ap-southeast-2:123456789012:missing', Message: 'hello' }, region: 'ap-southeast-2' },
  { client: 'client-lambda', clientClass: 'LambdaClient', command: 'Invoke', input: { FunctionName: 'orders-worker', Payload: Buffer.from('{"id":42}') }, region: 'us-west-2' },
  { client: 'client-lambda', clientClass: 'LambdaClient', command: 'Invoke', input: { FunctionName: 'arn:aws:lambda:us-west-2:123456789012:function:orders-worker:live', InvocationType: 'Event' }, region: 'us-west-2' },
  { client: 'client-lambda', clientClass: 'LambdaClient', command: 'GetFunction', input: { FunctionName: 'orders-worker' }, region: 'us-west-2' },
  { client: 'client-lambda', clientClass: 'LambdaClient', command: 'ListFunctions', input: {}, region: 'us-west-2' },
  { client: 'client-lambda', clientClass: 'LambdaClient', command: 'Invoke', input: { FunctionName: 'missing' }, region: 'us-west-2' },
  { client: 'client-eventbridge', clientClass: 'EventBridgeClient', command: 'PutEvents', input: { Entries: [{ Source: 'orders', DetailType: 'created', Detail: '{}' }] }, region: 'eu-west-2' },
  { client: 'client-kinesis', clientClass: 'KinesisClient', command: 'PutRecord', input: { StreamName: 'orders', PartitionKey: '42', Data: Buffer.from('hello') }, region: 'eu-west-3' },
  { client: 'client-secrets-manager', clientClass: 'SecretsManagerClient', command: 'GetSecretValue', input: { SecretId: 'orders/db' }, region: 'ca-central-1' },
  { client: 'client-ssm', clientClass: 'SSMClient', command: 'GetParameter', input: { Name: '/orders/flag' }, region: 'sa-east-1' },
  { client: 'client-sts', clientClass: 'STSClient', command: 'GetCallerIdentity', input: {}, region: 'ap-northeast-1' },
  { client: 'client-kms', clientClass: 'KMSClient', command: 'Encrypt', input: { KeyId: 'alias/orders', Plaintext: Buffer.from('hello') }, region: 'eu-north-1' },
  { client: 'client-sfn', clientClass: 'SFNClient', command: 'StartExecution', input: { stateMachineArn: 'arn:aws:states:us-east-2:123456789012:stateMachine:orders', input: '{}' }, region: 'us-east-2' },
  { ...s3('PutObject', { ...object, Body: 'hello' }), fetch: true },
  { ...s3('GetObject', { Bucket: 'orders', Key: 'missing' }), fetch: true },
  { client: 'client-dynamodb', clientClass: 'DynamoDBClient', command: 'GetItem', input: { TableName: 'orders', Key: { id: { S: '42' } } }, region: 'us-east-1', fetch: true },
  { client: 'client-sns', clientClass: 'SNSClient', command: 'Publish', input: { TopicArn: 'arn:aws:sns:ap-southeast-2:123456789012:orders', Message: 'hello' }, region: 'ap-southeast-2', fetch: true },
  { client: 'client-lambda', clientClass: 'LambdaClient', command: 'Invoke', input: { FunctionName: 'orders-worker', Payload: Buffer.from('{"id":42}') }, region: 'us-west-2', fetch: true },
];
