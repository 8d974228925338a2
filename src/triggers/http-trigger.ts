import { SpanKind, type Attributes } from '@opentelemetry/api';
import { firstHeader, forwardedClient, parentFromHeaders, type AllowedHeaders } from './http-headers.ts';
import { topLevelMember } from './json-member.ts';
import type { ResultDescription, Trigger } from './trigger.ts';

/** What an HTTP event says about its request; undefined where the event does not say. */
export interface HttpRequestFacts {
  readonly method: string | undefined;
  /** The matched route template, e.g. `/orders/{id}`; only a real template (starting with `/`). */
  readonly route: string | undefined;
  readonly path: string | undefined;
  /** Used when no `X-Forwarded-Proto` header says otherwise. */
  readonly defaultScheme: string | undefined;
  /** The server's host name, if the event names it apart from the Host header. */
  readonly domainName: string | undefined;
  readonly userAgent: string | undefined;
  /** The client address the front door saw, if the event names it apart from X-Forwarded-For. */
  readonly sourceIp: string | undefined;
  /** e.g. `HTTP/1.1`. */
  readonly protocol: string | undefined;
  /** The status code the front door answers with when the result has none (HTTP API payload 2.0). */
  readonly implicitStatusCode?: number;
}

/**
 * Known methods per the HTTP semantic conventions: any other becomes `_OTHER`, so that a client
 * cannot blow up the cardinality of `http.request.method` or of span names.
 */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'QUERY', 'TRACE']);

/**
 * An HTTP server invocation by the semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server-span): span name
 * `{method} {route}`, or `{method}` alone without a route. Never the query string, the body or
 * any header outside the allowlist in ./http-headers.ts.
 */
export function httpTrigger(facts: HttpRequestFacts, headers: AllowedHeaders): Trigger {
  const attributes: Attributes = { 'faas.trigger': 'http' };
  const method = facts.method === undefined ? undefined : KNOWN_METHODS.has(facts.method) ? facts.method : '_OTHER';
  if (method !== undefined) attributes['http.request.method'] = method;
  if (method === '_OTHER') attributes['http.request.method_original'] = facts.method;
  if (facts.route !== undefined) attributes['http.route'] = facts.route;
  if (facts.path !== undefined) attributes['url.path'] = facts.path;
  const scheme = firstHeader(headers, 'x-forwarded-proto') ?? facts.defaultScheme;
  if (scheme !== undefined) attributes['url.scheme'] = scheme;
  setServerAddress(attributes, facts.domainName ?? firstHeader(headers, 'host'));
  const userAgent = firstHeader(headers, 'user-agent') ?? facts.userAgent;
  if (userAgent !== undefined) attributes['user_agent.original'] = userAgent;
  const client = facts.sourceIp ?? forwardedClient(headers);
  if (client !== undefined) attributes['client.address'] = client;
  const version = protocolVersion(facts.protocol);
  if (version !== undefined) attributes['network.protocol.version'] = version;

  const spanMethod = method === undefined || method === '_OTHER' ? 'HTTP' : method;
  const parent = parentFromHeaders(headers);
  const implicit = facts.implicitStatusCode;
  return {
    spanName: facts.route === undefined ? spanMethod : `${spanMethod} ${facts.route}`,
    kind: SpanKind.SERVER,
    attributes,
    ...(parent !== undefined ? { parent } : {}),
    describeResponse: (json) => describeHttpResponse(json, implicit),
  };
}

/** A route template from an event field: only one that starts with `/` (not `$default`). */
export function routeTemplate(value: string | undefined): string | undefined {
  return value !== undefined && value.startsWith('/') ? value : undefined;
}

/**
 * `http.response.status_code` from a proxy-integration response (`{ "statusCode": …, … }`, as the
 * runtime serialized it); 5xx marks the server span as failed, 4xx does not (the client's
 * error). Without a status code the front door decides: HTTP API payload 2.0 and Function URLs
 * answer 200 for any other JSON value
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html),
 * others fail the request themselves, which is left undescribed rather than guessed.
 */
export function describeHttpResponse(json: string, implicitStatusCode: number | undefined): ResultDescription {
  const statusCode = topLevelMember(json, 'statusCode');
  const status = statusCode === undefined ? implicitStatusCode : statusCodeOf(statusCode);
  if (status === undefined) return NOTHING_TO_DESCRIBE;
  const attributes: Attributes = { 'http.response.status_code': status };
  const isError = status >= 500;
  if (isError) attributes['error.type'] = String(status);
  return { attributes, isError };
}

const NOTHING_TO_DESCRIBE: ResultDescription = Object.freeze({ attributes: Object.freeze({}), isError: false });

/** A status code from its JSON text: an integer 100–599, or a string holding one. */
function statusCodeOf(json: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const status = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** `HTTP/1.1` → `1.1`, `HTTP/2.0` → `2` (the conventions' spelling: `1.0`, `1.1`, `2`, `3`). */
function protocolVersion(protocol: string | undefined): string | undefined {
  if (protocol === undefined || !protocol.toUpperCase().startsWith('HTTP/')) return undefined;
  const version = protocol.slice(5);
  if (version === '2.0' || version === '3.0') return version.charAt(0);
  return version === '' ? undefined : version;
}

/** `server.address` and `server.port` from a host name that may carry a port (`example.com:8443`, `[::1]:8080`). */
function setServerAddress(attributes: Attributes, host: string | undefined): void {
  if (host === undefined) return;
  let address = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close > 0) {
      address = host.slice(1, close);
      if (host.charAt(close + 1) === ':') port = host.slice(close + 2);
    }
  } else {
    const colon = host.indexOf(':');
    // More than one colon: a bare IPv6 address, no port.
    if (colon >= 0 && host.indexOf(':', colon + 1) < 0) {
      address = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
  }
  if (address === '') return;
  attributes['server.address'] = address;
  const portNumber = port === undefined || port === '' ? Number.NaN : Number(port);
  if (Number.isInteger(portNumber) && portNumber > 0 && portNumber <= 65535) attributes['server.port'] = portNumber;
}
