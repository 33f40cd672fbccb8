import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

import { readBody, sendJson } from './http.js';

/**
 * A small API protected by the tenant's access tokens, checked the way a real API must (RFC 9068,
 * RFC 6750): a Bearer JWT of type `at+jwt`, signed by a key of the tenant's JWKS, issued by the
 * tenant (`iss`), for this API (`aud` = its resource indicator), not expired (`exp`), and holding
 * the scopes the route requires. It answers 401 with `WWW-Authenticate` when the token is missing
 * or fails a check, 403 `insufficient_scope` when a scope is missing, and otherwise echoes what it
 * saw. The emulator serves it at its own address; the real-Logto tier runs it alone
 * (startProtectedApi) with Logto's issuer and JWKS.
 */
export interface ProtectedRoute {
  /** The path it serves, and everything below it: `/echo` serves `/echo` and `/echo/…`. */
  path: string;
  /** The resource indicator its tokens must be for (`aud`). */
  resource: string;
  /** Scopes every request must carry (none: any valid token for the resource). */
  requiredScopes?: string[];
}

export interface ProtectedApiConfig {
  issuer: string;
  /** The tenant's signing keys (its JWKS). */
  keys: JWTVerifyGetKey;
  routes: ProtectedRoute[];
}

/** What the API counted, for tests: answers by status, and refusals by reason. */
export interface ProtectedApiStats {
  answers: Record<number, number>;
  /** `missing_token`, `invalid_token` (with the check that failed in `lastRefusal`), `insufficient_scope`. */
  refusals: Record<string, number>;
  lastRefusal: string | undefined;
}

/** What the API echoes on success. Never the token itself. */
export interface EchoAnswer {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Request headers, lower-case, without Authorization, Host and Connection. */
  headers: Record<string, string>;
  contentType: string | null;
  /** The body: parsed when it is JSON, else its text; null when there is none. */
  body: unknown;
  resource: string;
  claims: {
    iss: string;
    sub: string | undefined;
    aud: string | string[] | undefined;
    scopes: string[];
    clientId: unknown;
    organizationId: unknown;
  };
}

const leftOut = new Set(['authorization', 'host', 'connection']);

/** The route serving `pathname`: the longest whose path it is or lies below (at a `/`). */
function routeFor(routes: ProtectedRoute[], pathname: string): ProtectedRoute | undefined {
  return routes
    .filter((route) => pathname === route.path || pathname.startsWith(`${route.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** RFC 6750 §3's challenge; a quoted-string may not hold `"` or `\` unescaped. */
function challenge(realm: string, fields: Record<string, string> = {}): string {
  const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
  return [
    `Bearer realm=${quoted(realm)}`,
    ...Object.entries(fields).map(([k, v]) => `${k}=${quoted(v)}`),
  ].join(', ');
}

/** Why jose refused a token, in a few words (RFC 6750's error_description). */
function refusalOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the ${error.claim} claim is not right`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "no key of the tenant's JWKS signed it";
  if (error instanceof joseErrors.JOSEError) return `not a valid token (${error.code})`;
  return 'not a valid token';
}

export function protectedApi(config: ProtectedApiConfig) {
  const stats: ProtectedApiStats = { answers: {}, refusals: {}, lastRefusal: undefined };

  function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    stats.answers[status] = (stats.answers[status] ?? 0) + 1;
    sendJson(res, status, body, headers);
  }

  function refuse(
    res: ServerResponse,
    route: ProtectedRoute,
    status: 401 | 403,
    error: string | undefined,
    description: string,
    extra: Record<string, string> = {},
  ) {
    stats.refusals[error ?? 'missing_token'] = (stats.refusals[error ?? 'missing_token'] ?? 0) + 1;
    stats.lastRefusal = description;
    const fields = error ? { error, error_description: description, ...extra } : {};
    answer(
      res,
      status,
      { error: error ?? 'missing_token', error_description: description },
      { 'www-authenticate': challenge(route.resource, fields) },
    );
  }

  /** Answers a request under one of the routes; false when none serves `url`. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = routeFor(config.routes, url.pathname);
    if (!route) return false;
    const text = await readBody(req, 1024 * 1024);
    // RFC 6750 §3: a request without credentials gets the challenge and no error code.
    const match = /^Bearer +([^\s]+)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      refuse(res, route, 401, undefined, 'no Bearer token');
      return true;
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, config.keys, {
        issuer: config.issuer,
        audience: route.resource,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      refuse(res, route, 401, 'invalid_token', refusalOf(error));
      return true;
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const missing = (route.requiredScopes ?? []).filter((scope) => !scopes.includes(scope));
    if (missing.length > 0) {
      refuse(res, route, 403, 'insufficient_scope', `the token lacks ${missing.join(' ')}`, {
        scope: (route.requiredScopes ?? []).join(' '),
      });
      return true;
    }
    const rest = url.pathname.slice(route.path.length);
    // `/text?text=…`: that text as text/plain, for clients' handling of what is not JSON.
    if (rest === '/text') {
      stats.answers[200] = (stats.answers[200] ?? 0) + 1;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(url.searchParams.get('text') ?? '');
      return true;
    }
    const echo = echoOf(req, url, text, route, payload, scopes);
    // `/status/<code>`: that status, with the echo, for clients' handling of failures.
    const status = /^\/status\/([1-5]\d\d)$/.exec(rest);
    if (status) {
      const code = Number(status[1]);
      const headers: Record<string, string> =
        code === 401 ? { 'www-authenticate': challenge(route.resource, { error: 'invalid_token' }) } : {};
      answer(res, code, { error: `status ${code}`, echo }, headers);
      return true;
    }
    answer(res, 200, echo);
    return true;
  }

  return { handle, stats };
}

function echoOf(
  req: IncomingMessage,
  url: URL,
  text: string,
  route: ProtectedRoute,
  payload: JWTPayload,
  scopes: string[],
): EchoAnswer {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (!leftOut.has(name) && value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const contentType = req.headers['content-type'] ?? null;
  let body: unknown = text === '' ? null : text;
  if (text !== '' && contentType && /^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON after all: echoed as text.
    }
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query,
    headers,
    contentType,
    body,
    resource: route.resource,
    claims: {
      iss: String(payload.iss),
      sub: payload.sub,
      aud: payload.aud,
      scopes,
      clientId: payload.client_id,
      organizationId: payload.organization_id,
    },
  };
}

/**
 * The protected API on a server of its own, on 127.0.0.1 (the real-Logto tier: Logto's issuer and
 * JWKS, its API resource).
 */
export async function startProtectedApi(config: ProtectedApiConfig, port = 0) {
  const api = protectedApi(config);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void api
      .handle(req, res, url)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { error: 'not_found' });
      })
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stats: api.stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
