import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRuntimeOf, splitEnv } from '../../samples/deployed-function.ts';
import { functionFromSam } from '../../samples/from-sam.ts';
import { lambdaPathMapper } from '../../samples/local-lambda-setup.ts';

describe('functionFromSam', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sam-template-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("merges Globals into the function as SAM does and keeps only literal variables, reading CloudFormation's short-form tags", () => {
    writeFileSync(
      join(dir, 'template.yaml'),
      [
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Function:',
        '    Runtime: nodejs22.x',
        '    Timeout: 5',
        '    Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: /opt/otel-handler, STAGE: global } }',
        'Resources:',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: app.handler',
        '      CodeUri: code/',
        '      Layers: [!Ref OtelLayerArn]',
        '      Environment:',
        '        Variables:',
        '          STAGE: prod',
        '          TABLE: !Ref Table',
        '          QUEUE_ARN: !GetAtt Queue.Arn',
        "          URL: !Sub 'https://${Api}.example.com'",
        '          PARTS: !Join [",", [a, b]]',
      ].join('\n'),
    );

    const fn = functionFromSam(join(dir, 'template.yaml'), 'Fn');

    expect(fn).toEqual({
      source: 'template.yaml: Fn',
      name: 'Fn',
      runtime: 'nodejs22.x',
      handler: 'app.handler',
      codeDir: join(dir, 'code'),
      layers: [{ kind: 'parameter', name: 'OtelLayerArn' }],
      env: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler', STAGE: 'prod' },
      deployTimeEnv: ['TABLE', 'QUEUE_ARN', 'URL', 'PARTS'],
      timeoutSeconds: 5,
    });
  });

  it('names what it cannot run: a resource that is not a function, a function without a local CodeUri', () => {
    writeFileSync(join(dir, 'template.yaml'), 'Resources:\n  Q: { Type: AWS::SQS::Queue }\n  F: { Type: AWS::Serverless::Function, Properties: { Runtime: nodejs24.x, Handler: i.h, CodeUri: !Ref Bucket } }\n');

    expect(() => functionFromSam(join(dir, 'template.yaml'), 'Q')).toThrow('template.yaml: Q is not an AWS::Serverless::Function');
    expect(() => functionFromSam(join(dir, 'template.yaml'), 'F')).toThrow('a local CodeUri');
  });
});

describe('localRuntimeOf', () => {
  it('runs nodejs24.x on Node 24 with ric 4, nodejs22.x on Node 22 with ric 3, and refuses other runtimes', () => {
    expect(localRuntimeOf('nodejs24.x')).toEqual({ node: 24, ric: 'v4' });
    expect(localRuntimeOf('nodejs22.x')).toEqual({ node: 22, ric: 'v3' });
    expect(() => localRuntimeOf('nodejs20.x')).toThrow('nodejs20.x is not one the layer supports');
  });
});

describe('splitEnv', () => {
  it('keeps string values and names the others', () => {
    expect(splitEnv({ A: 'a', B: { Ref: 'X' }, C: '' })).toEqual({ env: { A: 'a', C: '' }, deployTimeEnv: ['B'] });
  });
});

describe('lambdaPathMapper', () => {
  it("maps /opt and /var/task paths onto this run's directories and leaves every other value alone", () => {
    const map = lambdaPathMapper('/tmp/run/opt', '/repo/samples/x/src');

    expect(['/opt/otel-handler', '/opt', '/var/task/collector.yaml', '/optional', '/var/taskforce', 'https://example.com'].map(map)).toEqual([
      '/tmp/run/opt/otel-handler',
      '/tmp/run/opt',
      '/repo/samples/x/src/collector.yaml',
      '/optional',
      '/var/taskforce',
      'https://example.com',
    ]);
  });
});
