import fc from 'fast-check';
import { moduleNameOf, packageOfFile } from '../../../src/instrumentations/module-names.ts';

describe('moduleNameOf', () => {
  it.each([
    ['pg', 'pg'],
    ['pg/lib/client', 'pg'],
    ['@smithy/core/client', '@smithy/core'],
    ['@aws-sdk/client-s3', '@aws-sdk/client-s3'],
    ['node:http', 'http'],
    ['./local', ''],
    ['/abs/path', ''],
  ])('%s → %s', (id, expected) => {
    expect(moduleNameOf(id)).toBe(expected);
  });
});

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}$/).filter((name) => name !== 'node_modules');
const packageName = fc.oneof(
  segment,
  fc.tuple(segment, segment).map(([scope, name]) => `@${scope}/${name}`),
);
const subPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const directory = fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`.replace(/\/$/, ''));

describe('packageOfFile', () => {
  it('names the package of any file under node_modules, and its directory', () => {
    fc.assert(
      fc.property(directory, packageName, subPath, (root, name, file) => {
        const dir = `${root}/node_modules/${name}`;
        expect(packageOfFile(`${dir}/${file}`)).toEqual({ name, dir });
      }),
    );
  });

  it('takes the innermost node_modules: a dependency nested in another package is itself', () => {
    fc.assert(
      fc.property(directory, packageName, packageName, subPath, (root, outer, inner, file) => {
        const dir = `${root}/node_modules/${outer}/node_modules/${inner}`;
        expect(packageOfFile(`${dir}/${file}`)).toEqual({ name: inner, dir });
      }),
    );
  });

  it("finds no package for the function's own files", () => {
    fc.assert(
      fc.property(directory, subPath, (root, file) => {
        expect(packageOfFile(`${root}/${file}`)).toBeUndefined();
      }),
    );
  });

  it.each(['/var/task/node_modules/index.js', '/var/task/node_modules/@scope/index.js', '/var/task/node_modules/'])('finds no package for %s (no package directory)', (file) => {
    expect(packageOfFile(file)).toBeUndefined();
  });
});
