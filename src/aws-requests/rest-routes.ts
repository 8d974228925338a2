import { REST_ROUTES } from './rest-routes.generated.ts';

const LABEL = 1;
const GREEDY_LABEL = 2;
type Segment = string | typeof LABEL | typeof GREEDY_LABEL;

interface Route {
  readonly method: string;
  readonly segments: readonly Segment[];
  /** Literal query members of the URI template (`?uploads`, `?x-id=GetObject`): key, value or ''. */
  readonly query: readonly (readonly [string, string | undefined])[];
  readonly operation: string;
  /** How specific the route is: literal query members first, then literal path segments. */
  readonly rank: number;
}

/** Per service, per method, most specific first. */
const parsedRoutes = new Map<string, ReadonlyMap<string, readonly Route[]>>();

/** Whether the service's operations are told apart by REST routes (rest-routes.generated.ts). */
export function hasRestRoutes(signingName: string): boolean {
  return Object.hasOwn(REST_ROUTES, signingName);
}

/**
 * The operation whose route matches, the most specific when several do (`GET /?list-type=2` is
 * ListObjectsV2, `GET /` ListObjects). `segments` are the path's segments (S3: after the
 * bucket), `query` the raw query string. Routes are parsed on first use, per service.
 */
export function matchRestRoute(signingName: string, method: string, segments: readonly string[], query: string): string | undefined {
  const routes = routesOf(signingName).get(method);
  if (routes === undefined) return undefined;
  const params = queryParams(query);
  return routes.find((route) => matchesPath(route.segments, segments) && matchesQuery(route.query, params))?.operation;
}

function routesOf(signingName: string): ReadonlyMap<string, readonly Route[]> {
  let byMethod = parsedRoutes.get(signingName);
  if (byMethod === undefined) {
    const grouped = new Map<string, Route[]>();
    for (const route of (REST_ROUTES[signingName] ?? []).map(parseRoute).sort((a, b) => b.rank - a.rank)) {
      grouped.set(route.method, [...(grouped.get(route.method) ?? []), route]);
    }
    byMethod = grouped;
    parsedRoutes.set(signingName, byMethod);
  }
  return byMethod;
}

/** "METHOD /path/{Label}/{Greedy+}?literal&key=value Operation" */
function parseRoute(line: string): Route {
  const [method = '', uri = '', operation = ''] = line.split(' ');
  const [path = '', query = ''] = uri.split('?');
  const segments = pathSegments(path).map((segment): Segment => {
    if (!segment.startsWith('{')) return segment;
    return segment.endsWith('+}') ? GREEDY_LABEL : LABEL;
  });
  const literals = query === '' ? [] : query.split('&').map((member) => splitMember(member));
  const literalSegments = segments.filter((segment) => typeof segment === 'string').length;
  return { method, segments, query: literals, operation, rank: literals.length * 100 + literalSegments };
}

/** `/a/b/` → ['a', 'b']; `/` → []. A trailing slash is not a segment of its own. */
export function pathSegments(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '' ? [] : trimmed.slice(trimmed.startsWith('/') ? 1 : 0).split('/');
}

function splitMember(member: string): readonly [string, string | undefined] {
  const equals = member.indexOf('=');
  return equals === -1 ? [member, undefined] : [member.slice(0, equals), member.slice(equals + 1)];
}

function queryParams(query: string): Map<string, string> {
  const params = new Map<string, string>();
  if (query === '') return params;
  for (const member of query.split('&')) {
    const [key, value] = splitMember(member);
    if (!params.has(key)) params.set(key, value ?? '');
  }
  return params;
}

function matchesPath(template: readonly Segment[], segments: readonly string[]): boolean {
  for (let index = 0; index < template.length; index++) {
    const expected = template[index];
    if (expected === GREEDY_LABEL) return segments.length > index && segments.slice(index).some((segment) => segment !== '');
    const actual = segments[index];
    if (actual === undefined) return false;
    if (expected === LABEL ? actual === '' : actual !== expected) return false;
  }
  return segments.length === template.length;
}

function matchesQuery(literals: Route['query'], params: ReadonlyMap<string, string>): boolean {
  for (const [key, value] of literals) {
    const actual = params.get(key);
    if (actual === undefined || (value !== undefined && actual !== value)) return false;
  }
  return true;
}
