// `./run.sh publish`: publishes the layer zip as a Lambda layer version in one or more regions
// with the AWS CLI, optionally readable by every account, and prints each version ARN.
//   ./run.sh publish [--regions us-east-1,eu-west-1] [--public] [--layer-name NAME]
// Before anything is built or published it checks that the CLI is there and has credentials.
// A failing region does not stop the others; the summary says which regions have a version
// (and whether it was made public) and which do not, and the exit code is 1.
// ARNs go to stdout, one per line (OTEL_LAYER_ARN=$(./run.sh publish)); everything else to stderr.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ZIP = join(ROOT, 'dist', 'otel-lambda-layer.zip');
const USAGE = 'usage: ./run.sh publish [--regions us-east-1,eu-west-1] [--public] [--layer-name NAME]';
// Region names such as us-east-1, eu-central-2, us-gov-west-1, ap-southeast-7.
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// Lambda's LayerName pattern for a name (not an ARN), at most 140 characters.
const LAYER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;

const say = (line) => process.stderr.write(`run.sh publish: ${line}\n`);

function stop(lines, code = 1) {
  for (const line of [lines].flat()) say(line);
  process.exit(code);
}

function readOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: { regions: { type: 'string' }, public: { type: 'boolean', default: false }, 'layer-name': { type: 'string' } },
      strict: true,
    });
  } catch (error) {
    stop([error.message, USAGE], 2);
  }
  const { values } = parsed;
  const regions = values.regions === undefined ? [undefined] : [...new Set(values.regions.split(',').map((region) => region.trim()).filter(Boolean))];
  const invalid = regions.filter((region) => region !== undefined && !REGION.test(region));
  if (regions.length === 0 || invalid.length > 0) stop([`--regions needs region names such as us-east-1,eu-west-1; not ${invalid.map((r) => `'${r}'`).join(', ') || 'empty'}`, USAGE], 2);
  const layerName = values['layer-name'] ?? process.env.LAYER_NAME ?? 'otel-nodejs-layer';
  if (!LAYER_NAME.test(layerName)) stop([`--layer-name '${layerName}' is not a layer name (letters, digits, - and _, at most 140)`, USAGE], 2);
  return { regions, layerName, makePublic: values.public };
}

/** The CLI's own last words: errors go to stderr, the meaningful line last. */
function lastLine(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).pop() ?? '';
}

/** Runs the AWS CLI with JSON output; resolves to the parsed answer or the CLI's error line and exit code. */
function aws(args, region) {
  const result = spawnSync('aws', [...args, ...(region === undefined ? [] : ['--region', region]), '--output', 'json'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error?.code === 'ENOENT') return { missing: true };
  if (result.status !== 0) return { failed: lastLine(result.stderr ?? '') || `exit code ${result.status ?? result.signal}` };
  try {
    return { answer: JSON.parse(result.stdout || '{}') };
  } catch {
    return { failed: `unexpected output from aws ${args.slice(0, 2).join(' ')}: ${lastLine(result.stdout)}` };
  }
}

function publishIn(region, layerName, description) {
  const published = aws(
    [
      'lambda', 'publish-layer-version',
      '--layer-name', layerName,
      '--description', description,
      '--license-info', 'Apache-2.0',
      '--zip-file', `fileb://${ZIP}`,
      '--compatible-runtimes', 'nodejs22.x', 'nodejs24.x',
      '--compatible-architectures', 'x86_64', 'arm64',
    ],
    region,
  );
  if (published.failed !== undefined) return { region, failed: published.failed };
  const { LayerVersionArn: arn, Version: version } = published.answer;
  if (typeof arn !== 'string' || typeof version !== 'number') return { region, failed: 'the CLI answered without LayerVersionArn and Version' };
  return { region: region ?? arn.split(':')[3], arn, version };
}

/** add-layer-version-permission for every account (principal *), Lambda's way to share a layer publicly. */
function makePublicIn(outcome, layerName) {
  const granted = aws(
    ['lambda', 'add-layer-version-permission', '--layer-name', layerName, '--version-number', String(outcome.version), '--statement-id', 'public', '--action', 'lambda:GetLayerVersion', '--principal', '*'],
    outcome.region,
  );
  return granted.failed === undefined ? { ...outcome, public: true } : { ...outcome, publicFailed: granted.failed };
}

const { regions, layerName, makePublic } = readOptions();

const identity = aws(['sts', 'get-caller-identity'], regions[0]);
if (identity.missing) {
  stop(['the AWS CLI (aws) is not on PATH: install it (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) and configure credentials.', 'Nothing was built or published.']);
}
if (identity.failed !== undefined) {
  stop([`the AWS CLI has no working credentials: ${identity.failed}`, 'Configure them (aws configure, aws sso login, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). Nothing was built or published.']);
}

const build = spawnSync('bash', [join(ROOT, 'run.sh'), 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
if (build.status !== 0) stop('building the layer failed (see above); nothing was published.');

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const description = `Zero-code OpenTelemetry for Node.js ${version}`;
say(`${layerName} ${version} (${(statSync(ZIP).size / 1024).toFixed(1)} KB) to account ${identity.answer.Account} in ${regions[0] === undefined ? 'the CLI\'s default region' : regions.join(', ')}${makePublic ? ', public' : ''}`);

const outcomes = [];
for (const region of regions) {
  const published = publishIn(region, layerName, description);
  const outcome = published.failed === undefined && makePublic ? makePublicIn(published, layerName) : published;
  outcomes.push(outcome);
  if (outcome.arn !== undefined) process.stdout.write(`${outcome.arn}\n`);
  if (outcome.failed !== undefined) say(`  ${outcome.region ?? 'default region'}: not published: ${outcome.failed}`);
  else if (outcome.publicFailed !== undefined) say(`  ${outcome.region}: ${outcome.arn} published, but NOT made public: ${outcome.publicFailed}`);
  else say(`  ${outcome.region}: ${outcome.arn}${outcome.public ? ' (public)' : ''}`);
}

const published = outcomes.filter((outcome) => outcome.arn !== undefined).map((outcome) => outcome.region);
const failed = outcomes.filter((outcome) => outcome.failed !== undefined).map((outcome) => outcome.region ?? 'the default region');
const notPublic = outcomes.filter((outcome) => outcome.publicFailed !== undefined);
if (failed.length === 0 && notPublic.length === 0) {
  say(`published in ${published.length} region${published.length === 1 ? '' : 's'}${makePublic ? ', public' : ''}`);
} else {
  stop([
    `published in ${published.length} of ${outcomes.length} regions${published.length > 0 ? ` (${published.join(', ')})` : ''}` +
      `${failed.length > 0 ? `; NOT published in ${failed.join(', ')}` : ''}` +
      `${notPublic.length > 0 ? `; published but NOT public in ${notPublic.map((outcome) => outcome.region).join(', ')}` : ''}.`,
    ...(failed.length === 0 ? [] : [regions[0] === undefined ? 'Run it again once the cause is fixed.' : `To publish the rest: ./run.sh publish --regions ${failed.join(',')}${makePublic ? ' --public' : ''}`]),
    ...notPublic.map(
      (outcome) =>
        `To make ${outcome.arn} public: aws lambda add-layer-version-permission --region ${outcome.region} --layer-name ${layerName} --version-number ${outcome.version} --statement-id public --action lambda:GetLayerVersion --principal '*'`,
    ),
  ]);
}
