/**
 * Every sample's `run.sh deploy`: with its tool and AWS credentials it runs the tool's deploy;
 * without them it says in one message what is missing, and changes nothing. The tools are
 * stand-ins that record their calls; the AWS CLI is test/fixtures/command-stand-ins/aws.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_STAND_IN, RECORD_CALL, SHELL_COMMANDS, recordedCalls, runScript, toolbox, type ScriptRun } from '../support/command-stand-ins.ts';
import { SAMPLES_DIR } from '../support/sample-run.ts';

jest.setTimeout(60_000);

interface DeployCase {
  readonly sample: string;
  /** The command the sample deploys with. */
  readonly tool: string;
  /** How the missing tool is named in the message. */
  readonly toolNamed: string;
  /** Settings the deploy needs besides credentials. */
  readonly settings: Readonly<Record<string, string>>;
  /** The tool calls a deploy makes, or undefined where it needs more than the stand-ins answer. */
  readonly calls?: readonly (readonly string[])[];
}

const LAYER_ARN = 'arn:aws:lambda:us-east-1:123456789012:layer:otel-nodejs-layer:7';
const samDeploy = (stack: string, ...parameters: string[]): string[][] => [
  ['sam', 'build'],
  ['sam', 'deploy', '--stack-name', stack, '--resolve-s3', '--capabilities', 'CAPABILITY_IAM', '--no-fail-on-empty-changeset', '--parameter-overrides', `OtelLayerArn=${LAYER_ARN}`, ...parameters],
];

const CASES: readonly DeployCase[] = [
  { sample: 'http-api', tool: 'sam', toolNamed: 'AWS SAM CLI (sam)', settings: { OTEL_LAYER_ARN: LAYER_ARN }, calls: samDeploy('otel-http-api') },
  { sample: 'sqs-worker', tool: 'sam', toolNamed: 'AWS SAM CLI (sam)', settings: { OTEL_LAYER_ARN: LAYER_ARN }, calls: samDeploy('otel-sqs-worker') },
  {
    sample: 'with-collector',
    tool: 'sam',
    toolNamed: 'AWS SAM CLI (sam)',
    settings: { OTEL_LAYER_ARN: LAYER_ARN, COLLECTOR_LAYER_ARN: 'arn:aws:lambda:us-east-1:184161586896:layer:opentelemetry-collector-arm64-0_19_0:1', OTEL_BACKEND_ENDPOINT: 'https://otlp.example.com' },
    calls: samDeploy('otel-with-collector', 'CollectorLayerArn=arn:aws:lambda:us-east-1:184161586896:layer:opentelemetry-collector-arm64-0_19_0:1', 'BackendEndpoint=https://otlp.example.com'),
  },
  { sample: 'cdk', tool: 'npx', toolNamed: 'Node.js and npm', settings: {}, calls: [['npx', 'cdk', 'deploy']] },
  { sample: 'terraform', tool: 'terraform', toolNamed: 'Terraform (terraform)', settings: {}, calls: [['terraform', 'init', '-input=false'], ['terraform', 'apply']] },
  // Its deploy asks the AWS CLI for text output (account, ARNs), which the stand-in does not answer.
  { sample: 'container-image', tool: 'docker', toolNamed: 'Docker (docker)', settings: { LAMBDA_ROLE_ARN: 'arn:aws:iam::123456789012:role/report-job', AWS_REGION: 'us-east-1' } },
];

/** Every file under a directory with its modification time: what "changes nothing" compares. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => !entry.split('/').includes('node_modules'))
    .map((entry) => `${entry} ${statSync(join(dir, entry)).mtimeMs}`)
    .sort();
}

describe.each(CASES)('samples/$sample/run.sh deploy', ({ sample, tool, toolNamed, settings, calls }) => {
  const script = join(SAMPLES_DIR, sample, 'run.sh');
  let work: string;
  let toolLog: string;
  let awsLog: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), `deploy-${sample}-`));
    toolLog = join(work, 'tool.log');
    awsLog = join(work, 'aws.log');
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  async function deploy(commands: Readonly<Record<string, string>>, env: Readonly<Record<string, string>>): Promise<ScriptRun & { changed: boolean }> {
    const box = toolbox(SHELL_COMMANDS, commands);
    try {
      const before = snapshot(join(SAMPLES_DIR, sample));
      const run = await runScript(script, ['deploy'], { PATH: box.path, HOME: work, TOOL_STAND_IN_LOG: toolLog, AWS_STAND_IN_LOG: awsLog, ...env });
      return { ...run, changed: snapshot(join(SAMPLES_DIR, sample)).join('\n') !== before.join('\n') };
    } finally {
      box.remove();
    }
  }

  it(`without ${tool}, the AWS CLI or settings, says what is missing in one message and changes nothing`, async () => {
    const run = await deploy({}, {});

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`samples/${sample}/run.sh deploy: cannot deploy, missing:`);
    expect(run.stderr).toContain(toolNamed);
    expect(run.stderr).toContain('the AWS CLI (aws)');
    for (const name of Object.keys(settings).filter((key) => key !== 'AWS_REGION')) expect(run.stderr).toContain(name);
    expect(run.stderr).toContain('Nothing was built, deployed or changed.');
    expect(run.changed).toBe(false);
  });

  it(`with ${tool} but no AWS credentials, stops before calling ${tool} and says the CLI's reason`, async () => {
    const run = await deploy({ [tool]: RECORD_CALL, aws: AWS_STAND_IN }, { ...settings, AWS_STAND_IN_NO_CREDENTIALS: '1' });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('working AWS credentials (aws sts get-caller-identity: Unable to locate credentials.');
    expect(recordedCalls(toolLog).filter((call) => call[1] !== 'info')).toEqual([]);
    expect(run.changed).toBe(false);
  });

  if (calls !== undefined) {
    it(`with ${tool}, credentials and settings, deploys with ${tool}`, async () => {
      const run = await deploy({ [tool]: RECORD_CALL, aws: AWS_STAND_IN }, settings);

      expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(recordedCalls(toolLog)).toEqual(calls);
      expect(recordedCalls(awsLog)).toEqual([['sts', 'get-caller-identity', '--output', 'json']]);
    });
  }
});

describe('samples/http-api/run.sh deploy', () => {
  it('passes OTEL_EXPORTER_OTLP_ENDPOINT to the template as OtlpEndpoint', async () => {
    const work = mkdtempSync(join(tmpdir(), 'deploy-endpoint-'));
    const box = toolbox(SHELL_COMMANDS, { sam: RECORD_CALL, aws: AWS_STAND_IN });
    try {
      const toolLog = join(work, 'tool.log');
      const env = { PATH: box.path, HOME: work, TOOL_STAND_IN_LOG: toolLog, OTEL_LAYER_ARN: LAYER_ARN, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com' };

      const run = await runScript(join(SAMPLES_DIR, 'http-api', 'run.sh'), ['deploy'], env);

      expect(run.exitCode).toBe(0);
      expect(recordedCalls(toolLog).at(-1)?.slice(-2)).toEqual([`OtelLayerArn=${LAYER_ARN}`, 'OtlpEndpoint=https://otlp.example.com']);
    } finally {
      box.remove();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
