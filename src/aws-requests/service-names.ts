/**
 * SigV4 signing name → `rpc.service` as the aws-sdk instrumentation reports it: the SDK client's
 * `serviceId` without spaces ("Secrets Manager" → "SecretsManager"), so a call looks the same
 * whether the SDK was bundled (recognised here) or not (traced by the instrumentation). The first
 * twelve are the services the README's table covers, checked against the instrumentation by
 * test/unit/aws-requests/equivalence.test.ts; the others are common from Lambda functions and
 * name the service only (their operation comes from the protocol, as for any service).
 * A signing name not listed is reported as is.
 */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  s3: 'S3',
  // S3 Express One Zone's CreateSession and S3 Object Lambda's WriteGetObjectResponse are S3
  // client operations signed with names of their own.
  s3express: 'S3',
  's3-object-lambda': 'S3',
  dynamodb: 'DynamoDB',
  sqs: 'SQS',
  sns: 'SNS',
  lambda: 'Lambda',
  events: 'EventBridge',
  kinesis: 'Kinesis',
  secretsmanager: 'SecretsManager',
  ssm: 'SSM',
  sts: 'STS',
  kms: 'KMS',
  states: 'SFN',
  logs: 'CloudWatchLogs',
  monitoring: 'CloudWatch',
  firehose: 'Firehose',
  'cognito-idp': 'CognitoIdentityProvider',
  athena: 'Athena',
  scheduler: 'Scheduler',
};

// DynamoDB Streams signs as `dynamodb` too; its JSON target prefix tells it apart.
const DYNAMODB_STREAMS_TARGET = 'DynamoDBStreams_';

export function serviceNameOf(signingName: string, target: string | undefined): string {
  if (signingName === 'dynamodb' && target?.startsWith(DYNAMODB_STREAMS_TARGET) === true) return 'DynamoDBStreams';
  return SERVICE_NAMES[signingName] ?? signingName;
}
