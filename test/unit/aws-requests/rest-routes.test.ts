import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { matchRestRoute, pathSegments } from '../../../src/aws-requests/rest-routes.ts';
import { REST_ROUTES } from '../../../src/aws-requests/rest-routes.generated.ts';
import { REPO_ROOT } from '../../support/paths.ts';

it('is the table the pinned SDK clients\' service models give', async () => {
  const node = join(REPO_ROOT, 'node_modules', 'node24', 'bin', 'node');

  const check = promisify(execFile)(node, [join(REPO_ROOT, 'layer-build', 'generate-aws-rest-routes.mjs'), '--check'], { cwd: REPO_ROOT });

  await expect(check).resolves.toBeDefined();
});

it('routes every operation of the table back to itself', () => {
  const unreachable = Object.entries(REST_ROUTES).flatMap(([service, routes]) =>
    routes
      .map((route) => route.split(' '))
      .filter(([method = '', uri = '', operation]) => {
        // A request for the route: every label filled, every query literal present.
        const [path = '', query = ''] = uri.split('?');
        const filled = path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, 'x');
        const sent = query === '' ? '' : query.split('&').map((member) => (member.includes('=') ? member : `${member}=`)).join('&');
        return matchRestRoute(service, method, pathSegments(filled), sent) !== operation;
      })
      .map(([method, uri, operation]) => `${service} ${method} ${uri} ${operation}`),
  );

  expect(unreachable).toEqual([]);
});

describe('matching', () => {
  it.each([
    ['the most specific query', 'GET', '/', 'list-type=2&prefix=a', 'ListObjectsV2'],
    ['no query literal at all', 'GET', '/', 'prefix=a', 'ListObjects'],
    ['a subresource among other parameters', 'GET', '/a/b.json', 'versionId=3&tagging=', 'GetObjectTagging'],
    ['an object key with empty segments', 'PUT', '/a//b/', 'x-id=PutObject', 'PutObject'],
    ['bucket level, not object level', 'HEAD', '/', '', 'HeadBucket'],
    ['object level, not bucket level', 'HEAD', '/a', '', 'HeadObject'],
  ])('of S3 picks %s', (_label, method, path, query, operation) => {
    expect(matchRestRoute('s3', method, pathSegments(path), query)).toBe(operation);
  });

  it.each([
    ['a function name', 'POST', '/2015-03-31/functions/orders/invocations', 'Invoke'],
    ['an encoded function ARN', 'POST', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Ao/invocations', 'Invoke'],
    ['a literal path over a label', 'GET', '/2015-03-31/functions', 'ListFunctions'],
    ['a trailing slash', 'GET', '/2015-03-31/functions/', 'ListFunctions'],
  ])('of Lambda reads %s', (_label, method, path, operation) => {
    expect(matchRestRoute('lambda', method, pathSegments(path), '')).toBe(operation);
  });

  it.each([
    ['an unknown path', 'lambda', 'GET', '/2099-01-01/things'],
    ['an empty label', 'lambda', 'POST', '/2015-03-31/functions//invocations'],
    ['a method no route has', 's3', 'PATCH', '/a'],
    ['a service without routes', 'dynamodb', 'POST', '/'],
  ])('finds nothing for %s', (_label, service, method, path) => {
    expect(matchRestRoute(service, method, pathSegments(path), '')).toBeUndefined();
  });
});
