/**
 * `./run.sh publish` against the AWS CLI stand-in (test/fixtures/command-stand-ins/aws): one or
 * several regions, public or not, each version ARN printed; a missing CLI, missing credentials
 * and a failing region each end in one clear message and a non-zero exit, with every region's
 * outcome reported.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWS_STAND_IN, pathWithout, recordedCalls, runScript, toolbox, type ScriptRun } from '../support/command-stand-ins.ts';
import { LAYER_ZIP, REPO_ROOT } from '../support/paths.ts';

jest.setTimeout(120_000);

const ACCOUNT = '123456789012';
const arnIn = (region: string, version: number): string => `arn:aws:lambda:${region}:${ACCOUNT}:layer:otel-nodejs-layer:${version}`;

describe('./run.sh publish', () => {
  let work: string;
  let awsLog: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'publish-'));
    awsLog = join(work, 'aws.log');
  });

  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  /** run.sh publish with the stand-in as the only `aws` on PATH (or none at all). */
  async function publish(args: readonly string[], env: Readonly<Record<string, string>> = {}, withCli = true): Promise<ScriptRun> {
    const box = toolbox([], withCli ? { aws: AWS_STAND_IN } : {});
    try {
      const path = `${box.path}:${pathWithout(['aws'])}`;
      return await runScript(join(REPO_ROOT, 'run.sh'), ['publish', ...args], { PATH: path, HOME: process.env.HOME ?? work, AWS_STAND_IN_LOG: awsLog, AWS_STAND_IN_STATE: join(work, 'state'), ...env });
    } finally {
      box.remove();
    }
  }

  it('publishes the built zip in each region, makes each version public, and prints every version ARN', async () => {
    const run = await publish(['--regions', 'us-east-1,eu-west-1', '--public']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([arnIn('us-east-1', 1), arnIn('eu-west-1', 1)]);
    const calls = recordedCalls(awsLog);
    const published = calls.filter((call) => call[1] === 'publish-layer-version');
    expect(published.map((call) => call[call.indexOf('--region') + 1])).toEqual(['us-east-1', 'eu-west-1']);
    for (const call of published) {
      expect(call).toEqual(expect.arrayContaining(['--zip-file', `fileb://${LAYER_ZIP}`, '--compatible-runtimes', 'nodejs22.x', 'nodejs24.x', '--compatible-architectures', 'x86_64', 'arm64']));
    }
    const permissions = calls.filter((call) => call[1] === 'add-layer-version-permission');
    expect(permissions.map((call) => [call[call.indexOf('--region') + 1], call[call.indexOf('--version-number') + 1], call[call.indexOf('--principal') + 1], call[call.indexOf('--action') + 1]])).toEqual([
      ['us-east-1', '1', '*', 'lambda:GetLayerVersion'],
      ['eu-west-1', '1', '*', 'lambda:GetLayerVersion'],
    ]);
  });

  it("publishes a private version in the CLI's default region when no region is given", async () => {
    const run = await publish([], { AWS_REGION: 'ap-southeast-2' });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(arnIn('ap-southeast-2', 1));
    expect(recordedCalls(awsLog).map((call) => call.slice(0, 2))).toEqual([
      ['sts', 'get-caller-identity'],
      ['lambda', 'publish-layer-version'],
    ]);
  });

  it('without the AWS CLI, says so and neither builds nor publishes', async () => {
    const zipBefore = statSync(LAYER_ZIP).mtimeMs;

    const run = await publish(['--regions', 'us-east-1'], {}, false);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('the AWS CLI (aws) is not on PATH');
    expect(run.stderr).toContain('Nothing was built or published.');
    expect(run.stdout).toBe('');
    expect(statSync(LAYER_ZIP).mtimeMs).toBe(zipBefore);
  });

  it("without credentials, says the CLI's reason and publishes nothing", async () => {
    const run = await publish(['--regions', 'us-east-1'], { AWS_STAND_IN_NO_CREDENTIALS: '1' });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('the AWS CLI has no working credentials: Unable to locate credentials.');
    expect(run.stderr).toContain('Nothing was built or published.');
    expect(recordedCalls(awsLog).map((call) => call.slice(0, 2))).toEqual([['sts', 'get-caller-identity']]);
  });

  it('when one region refuses, still publishes the others, names the one that failed with its error, and exits 1', async () => {
    const run = await publish(['--regions', 'us-east-1,ap-east-1,eu-west-1'], { AWS_STAND_IN_FAIL_PUBLISH: 'ap-east-1' });

    expect(run.exitCode).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([arnIn('us-east-1', 1), arnIn('eu-west-1', 1)]);
    expect(run.stderr).toContain('ap-east-1: not published: An error occurred (UnrecognizedClientException) when calling the PublishLayerVersion operation');
    expect(run.stderr).toContain('published in 2 of 3 regions (us-east-1, eu-west-1); NOT published in ap-east-1.');
    expect(run.stderr).toContain('To publish the rest: ./run.sh publish --regions ap-east-1');
  });

  it('when a version cannot be made public, reports it as published but not public, with the command that finishes the job', async () => {
    const run = await publish(['--regions', 'us-east-1,eu-west-1', '--public'], { AWS_STAND_IN_FAIL_PERMISSION: 'eu-west-1' });

    expect(run.exitCode).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([arnIn('us-east-1', 1), arnIn('eu-west-1', 1)]);
    expect(run.stderr).toContain('published but NOT public in eu-west-1.');
    expect(run.stderr).toContain("aws lambda add-layer-version-permission --region eu-west-1 --layer-name otel-nodejs-layer --version-number 1 --statement-id public --action lambda:GetLayerVersion --principal '*'");
  });

  it.each([
    [['--regions', 'us-east-1,Frankfurt'], "not 'Frankfurt'"],
    [['--regions', ','], 'not empty'],
    [['--layer-name', 'otel layer'], "--layer-name 'otel layer' is not a layer name"],
    [['--region', 'us-east-1'], "Unknown option '--region'"],
  ])('refuses %j before calling the CLI, with the usage', async (args, message) => {
    const run = await publish(args);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: ./run.sh publish');
    expect(recordedCalls(awsLog)).toEqual([]);
  });
});
