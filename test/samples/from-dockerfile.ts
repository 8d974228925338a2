/**
 * Reproduces a Lambda container image's file system from its Dockerfile, without a container
 * engine: the COPY instructions are carried out into a directory standing in for `/`, so the
 * layer lands where the Dockerfile puts it (/opt) and the code at the task root.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseDockerfile, type BaseImage, type ImageRecipe } from './dockerfile.ts';
import type { DeployedFunction } from './deployed-function.ts';

const LAMBDA_NODE_IMAGE = /^public\.ecr\.aws\/lambda\/nodejs:(\d+)(?:[.-].*)?$/;

/**
 * What the AWS base images for Node.js set (Lambda developer guide, "Deploy Node.js Lambda
 * functions with container images"): the task root is the working directory.
 */
export function lambdaNodeBaseImage(image: string): BaseImage {
  if (!LAMBDA_NODE_IMAGE.test(image)) throw new Error(`FROM ${image}: only the AWS Lambda Node.js base images (public.ecr.aws/lambda/nodejs) are reproduced`);
  return { env: { LAMBDA_TASK_ROOT: '/var/task', LAMBDA_RUNTIME_DIR: '/var/runtime' }, workdir: '/var/task' };
}

export function readDockerfile(path: string): ImageRecipe {
  return parseDockerfile(readFileSync(path, 'utf8'), lambdaNodeBaseImage);
}

/** Carries out the recipe's copies from the build context into `root`. */
export function layOutImage(recipe: ImageRecipe, contextDir: string, root: string): void {
  for (const { sources, destination } of recipe.copies) {
    const intoDirectory = destination.endsWith('/') || sources.length > 1;
    for (const source of sources) {
      const from = join(contextDir, source);
      if (!existsSync(from)) throw new Error(`COPY ${source}: not in the build context ${contextDir}`);
      const to = join(root, destination);
      if (statSync(from).isDirectory()) {
        // A directory's contents are copied, not the directory itself.
        cpSync(from, to, { recursive: true });
      } else {
        const target = intoDirectory ? join(to, basename(source)) : to;
        mkdirSync(dirname(target), { recursive: true });
        cpSync(from, target);
      }
    }
  }
}

export function functionFromDockerfile(contextDir: string, dockerfile: string, name: string, root: string): DeployedFunction {
  const recipe = readDockerfile(join(contextDir, dockerfile));
  layOutImage(recipe, contextDir, root);
  const major = LAMBDA_NODE_IMAGE.exec(recipe.baseImage)?.[1] ?? '';
  const taskRoot = lambdaNodeBaseImage(recipe.baseImage).env['LAMBDA_TASK_ROOT'] ?? '/var/task';
  const handler = recipe.cmd[0];
  if (handler === undefined) throw new Error(`${dockerfile}: no CMD naming the handler`);
  return {
    source: `${dockerfile} (FROM ${recipe.baseImage})`,
    name,
    runtime: `nodejs${major}.x`,
    handler,
    codeDir: join(root, taskRoot),
    layers: [{ kind: 'directory', path: join(root, 'opt') }],
    env: recipe.env,
    deployTimeEnv: [],
    imageRoot: root,
  };
}
