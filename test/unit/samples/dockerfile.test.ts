import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile, substitute, type BaseImage } from '../../samples/dockerfile.ts';
import { lambdaNodeBaseImage, layOutImage } from '../../samples/from-dockerfile.ts';

const BASE: BaseImage = { env: { LAMBDA_TASK_ROOT: '/var/task' }, workdir: '/var/task' };
const base = (): BaseImage => BASE;

describe('parseDockerfile', () => {
  it('reads FROM, ENV in both forms, COPY with variables and flags, and CMD in JSON form', () => {
    const recipe = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG TAG=24',
        'FROM public.ecr.aws/lambda/nodejs:${TAG}',
        'ENV AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-handler  GREETING="hello world"',
        'ENV LEGACY value with spaces',
        'COPY --chown=1000:1000 layer/ /opt/',
        'COPY src/index.mjs src/package.json ${LAMBDA_TASK_ROOT}/',
        'LABEL org.opencontainers.image.title=sample',
        'CMD [ "index.handler" ]',
      ].join('\n'),
      base,
    );

    expect(recipe).toEqual({
      baseImage: 'public.ecr.aws/lambda/nodejs:24',
      env: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler', GREETING: 'hello world', LEGACY: 'value with spaces' },
      copies: [
        { sources: ['layer/'], destination: '/opt/' },
        { sources: ['src/index.mjs', 'src/package.json'], destination: '/var/task/' },
      ],
      cmd: ['index.handler'],
      workdir: '/var/task',
    });
  });

  it('joins continued lines, skips comments between them, and resolves a relative COPY destination against WORKDIR', () => {
    const recipe = parseDockerfile(['FROM public.ecr.aws/lambda/nodejs:24', 'WORKDIR app', 'COPY a.js \\', '  # a comment inside', '  b.js ./'].join('\n'), base);

    expect(recipe.copies).toEqual([{ sources: ['a.js', 'b.js'], destination: '/var/task/app/' }]);
  });

  it('takes a shell-form CMD as the shell would run it, which no Lambda entrypoint reads as a handler', () => {
    expect(parseDockerfile('FROM x\nCMD index.handler', base).cmd).toEqual(['/bin/sh', '-c', 'index.handler']);
  });

  it.each([
    ['RUN npm ci', 'RUN cannot be reproduced'],
    ['ENTRYPOINT ["/bin/sh"]', 'ENTRYPOINT cannot be reproduced'],
    ['FROM other:1', 'multi-stage'],
    ['COPY --from=build /app /var/task/', '--from'],
    ['COPY src/*.mjs /var/task/', 'wildcards'],
  ])('refuses what it cannot reproduce without an engine: %s', (line, message) => {
    expect(() => parseDockerfile(`FROM public.ecr.aws/lambda/nodejs:24\n${line}`, base)).toThrow(message);
  });

  it('substitutes $VAR, ${VAR} and ${VAR:-default}, unset as empty', () => {
    expect(substitute('$A/${B}/${C:-c}/${D}', { A: 'a', B: 'b' })).toBe('a/b/c/');
  });
});

describe('lambdaNodeBaseImage', () => {
  it('knows the Lambda Node.js base images and nothing else', () => {
    expect(lambdaNodeBaseImage('public.ecr.aws/lambda/nodejs:24').env['LAMBDA_TASK_ROOT']).toBe('/var/task');
    expect(() => lambdaNodeBaseImage('node:24-slim')).toThrow('only the AWS Lambda Node.js base images');
  });
});

describe('layOutImage', () => {
  let context: string;
  let root: string;

  beforeEach(() => {
    context = mkdtempSync(join(tmpdir(), 'docker-context-'));
    root = mkdtempSync(join(tmpdir(), 'image-root-'));
    mkdirSync(join(context, 'layer', 'bin'), { recursive: true });
    writeFileSync(join(context, 'layer', 'bin', 'wrapper'), '#!/bin/sh\n');
    chmodSync(join(context, 'layer', 'bin', 'wrapper'), 0o755);
    writeFileSync(join(context, 'index.mjs'), 'export const handler = 1;\n');
  });

  afterEach(() => {
    rmSync(context, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it("copies a directory's contents (modes kept), a file into a directory, and a file to a new name, as COPY does", () => {
    layOutImage(
      {
        baseImage: 'public.ecr.aws/lambda/nodejs:24',
        env: {},
        cmd: [],
        workdir: '/var/task',
        copies: [
          { sources: ['layer/'], destination: '/opt/' },
          { sources: ['index.mjs'], destination: '/var/task/' },
          { sources: ['index.mjs'], destination: '/var/task/renamed.mjs' },
        ],
      },
      context,
      root,
    );

    expect(statSync(join(root, 'opt', 'bin', 'wrapper')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, 'var', 'task', 'index.mjs'), 'utf8')).toContain('handler');
    expect(readFileSync(join(root, 'var', 'task', 'renamed.mjs'), 'utf8')).toContain('handler');
  });

  it('fails naming a COPY source that is not in the build context', () => {
    expect(() => layOutImage({ baseImage: 'b', env: {}, cmd: [], workdir: '/', copies: [{ sources: ['missing/'], destination: '/opt/' }] }, context, root)).toThrow('COPY missing/');
  });
});
