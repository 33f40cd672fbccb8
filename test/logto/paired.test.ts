import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useEmulator } from '../helpers/useEmulator.js';
import {
  emulatorServer,
  logtoServer,
  postForm,
  refresh,
  signIn,
  type PairedServer,
} from './pairedServers.js';
import { logtoStack } from './stack.js';

/**
 * Paired conformance: one table of behaviours, each checked against the emulator (in-process) and
 * the real Logto stack with the same code, so the emulator cannot drift from Logto unseen. A row
 * passes only when it passes on both.
 */
const { skip, stack } = logtoStack();

/** Logto's refresh-token reuse interval is 3 s; a little more to be clearly past it. */
const pastGraceMs = 3_300;
const uncoveredResource = 'https://not-registered.example.test';

/** GET /oidc/auth without following redirects: the authorization endpoint's own answer. */
async function authorize(server: PairedServer, params: Record<string, string>) {
  const url = new URL(server.as.authorization_endpoint!);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, location: location ? new URL(location, url) : undefined, json };
}

/**
 * The Logto README's side-effect-free probe of an app id and redirect URI: an unsupported
 * response_type is only reported once client and redirect URI have been accepted.
 */
function probeRedirectUri(server: PairedServer, redirectUri: string, clientId = server.appId) {
  return authorize(server, {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'not-a-response-type',
    scope: 'openid',
    state: 'x',
  });
}

/**
 * Where a valid code request sends the browser (Logto's experience URL), as
 * "path?query" with the app id written as <app>: the shape, whatever the host.
 */
async function experienceShape(server: PairedServer, extra: Record<string, string>): Promise<string> {
  const hop = await authorize(server, {
    client_id: server.appId,
    redirect_uri: 'http://127.0.0.1:45678/callback',
    response_type: 'code',
    scope: 'openid offline_access',
    prompt: 'consent',
    state: oauth.generateRandomState(),
    code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
    code_challenge_method: 'S256',
    ...extra,
  });
  expect(hop.status, JSON.stringify(extra)).toBe(303);
  const location = hop.location!;
  expect(location.origin).toBe(server.endpoint);
  const query = [...location.searchParams]
    .map(([key, value]) => `${key}=${key === 'app_id' && value === server.appId ? '<app>' : value}`)
    .join('&');
  return `${location.pathname}?${query}`;
}

function userinfo(server: PairedServer, accessToken: string) {
  return fetch(server.as.userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } });
}

function revoke(server: PairedServer, token: string, hint: string) {
  return postForm(server.as.revocation_endpoint!, { client_id: server.appId, token, token_type_hint: hint });
}

function deviceAuthorization(server: PairedServer, clientId: string) {
  return postForm(server.as.device_authorization_endpoint!, { client_id: clientId, scope: 'openid' });
}

/**
 * Expects a 400 with `error` and no redirect: a request the server cannot trust its redirect URI
 * for must not be sent there.
 */
function expectRefusedWithoutRedirect(
  hop: Awaited<ReturnType<typeof authorize>>,
  error: string,
  what: string,
) {
  expect(hop.status, what).toBe(400);
  expect(hop.location, what).toBeUndefined();
  expect(hop.json?.error, what).toBe(error);
}

/** Expects a 400 invalid_grant from a refresh. */
async function expectRefreshRefused(server: PairedServer, refreshToken: string, what: string) {
  const answer = await refresh(server, refreshToken);
  expect(answer.status, what).toBe(400);
  expect(answer.body.error, what).toBe('invalid_grant');
}

interface Row {
  name: string;
  check: (server: PairedServer) => Promise<void>;
}

const rows: Row[] = [
  {
    name: 'loopback redirect URIs: any port on http://127.0.0.1/callback, nothing else',
    async check(server) {
      for (const uri of [
        'http://127.0.0.1/callback',
        'http://127.0.0.1:1024/callback',
        'http://127.0.0.1:45678/callback',
        'http://127.0.0.1:65535/callback',
      ]) {
        const hop = await probeRedirectUri(server, uri);
        expect(hop.status, uri).toBe(303);
        expect(`${hop.location!.origin}${hop.location!.pathname}`, uri).toBe(uri);
        expect(hop.location!.searchParams.get('error'), uri).toBe('unsupported_response_type');
        expect(hop.location!.searchParams.get('state'), uri).toBe('x');
      }
      for (const uri of [
        'http://localhost:45678/callback',
        'http://[::1]:45678/callback',
        'http://127.0.0.2:45678/callback',
        'http://127.0.0.1:45678/callback/',
        'http://127.0.0.1:45678/other',
        'http://127.0.0.1:45678/callback?extra=1',
        'https://127.0.0.1:45678/callback',
      ]) {
        expectRefusedWithoutRedirect(await probeRedirectUri(server, uri), 'invalid_redirect_uri', uri);
      }
      const unknown = await probeRedirectUri(server, 'http://127.0.0.1:45678/callback', 'no-such-app');
      expectRefusedWithoutRedirect(unknown, 'invalid_client', 'no-such-app');
    },
  },
  {
    name: 'iss in the authorization response (RFC 9207) = ${endpoint}/oidc',
    async check(server) {
      const issuer = `${server.endpoint}/oidc`;
      expect(server.as.issuer).toBe(issuer);
      expect(server.as.authorization_response_iss_parameter_supported).toBe(true);
      const { callback } = await signIn(server);
      expect(callback.searchParams.get('iss')).toBe(issuer);
      expect(callback.searchParams.get('code')).toBeTruthy();
      // Error responses carry it too.
      const error = await probeRedirectUri(server, 'http://127.0.0.1:45678/callback');
      expect(error.location!.searchParams.get('iss')).toBe(issuer);
    },
  },
  {
    name: 'extra parameters are all-or-nothing; direct_sign_in goes to /direct/social/huggingface',
    async check(server) {
      expect(await experienceShape(server, {})).toBe('/sign-in?app_id=<app>');
      expect(await experienceShape(server, { direct_sign_in: 'social:huggingface' })).toBe(
        '/direct/social/huggingface?app_id=<app>&fallback=sign-in',
      );
      expect(
        await experienceShape(server, {
          direct_sign_in: 'social:huggingface',
          first_screen: 'register',
          ui_locales: 'th',
        }),
      ).toBe('/direct/social/huggingface?app_id=<app>&ui_locales=th&fallback=register');
      // One invalid extra parameter: all of them are dropped, direct_sign_in and ui_locales too.
      expect(
        await experienceShape(server, {
          direct_sign_in: 'social:huggingface',
          first_screen: 'bogus',
          ui_locales: 'th',
        }),
      ).toBe('/sign-in?app_id=<app>');
    },
  },
  {
    name: 'refresh rotates; the old token works within 3 s, after that reuse revokes the grant',
    async check(server) {
      const { tokens } = await signIn(server);
      const original = tokens.refresh_token!;
      expect(original).toBeTypeOf('string');
      const rotated = await refresh(server, original);
      expect(rotated.status).toBe(200);
      expect(rotated.body.refresh_token).toBeTypeOf('string');
      expect(rotated.body.refresh_token).not.toBe(original);
      // A racing client presenting the old token within the grace is still served.
      const racing = await refresh(server, original);
      expect(racing.status).toBe(200);
      expect(racing.body.access_token).toBeTypeOf('string');

      await sleep(pastGraceMs);
      await expectRefreshRefused(server, original, 'the old refresh token after the grace');
      // The whole grant is gone: the current refresh tokens and the access token too.
      await expectRefreshRefused(server, rotated.body.refresh_token as string, 'the current refresh token');
      await expectRefreshRefused(server, racing.body.refresh_token as string, "the racing client's token");
      expect((await userinfo(server, tokens.access_token)).status).toBe(401);
    },
  },
  {
    name: 'identities.huggingface in userinfo, and no identities in the ID token',
    async check(server) {
      const { tokens } = await signIn(server);
      const response = await userinfo(server, tokens.access_token);
      expect(response.status).toBe(200);
      const claims = (await response.json()) as { identities?: Record<string, unknown> };
      expect(Object.keys(claims.identities ?? {})).toEqual(['huggingface']);
      const huggingface = claims.identities!.huggingface as { userId: string };
      expect(huggingface.userId).toMatch(/^[0-9a-f]+$/);
      expect(huggingface).toStrictEqual({
        userId: huggingface.userId,
        details: {
          id: huggingface.userId,
          name: expect.any(String),
          email: expect.any(String),
          avatar: expect.stringMatching(/^https:\/\//),
          rawData: expect.objectContaining({
            sub: huggingface.userId,
            preferred_username: expect.any(String),
            name: expect.any(String),
            picture: expect.any(String),
            isPro: expect.any(Boolean),
            orgs: expect.any(Array),
          }),
        },
      });
      expect(decodeJwt(tokens.id_token!)).not.toHaveProperty('identities');
    },
  },
  {
    name: 'resource token (at+jwt) and organization token; invalid_target consumes the refresh token',
    async check(server) {
      const { tokens } = await signIn(server, {
        resource: server.resource,
        scope: 'openid offline_access profile urn:logto:scope:organizations',
      });
      const forResource = await refresh(server, tokens.refresh_token!, { resource: server.resource });
      expect(forResource.status).toBe(200);
      const accessToken = forResource.body.access_token as string;
      expect(decodeProtectedHeader(accessToken)).toMatchObject({ typ: 'at+jwt', alg: 'ES384' });
      expect(decodeJwt(accessToken)).toMatchObject({ aud: server.resource, iss: server.issuer });

      const forOrganization = await refresh(server, forResource.body.refresh_token as string, {
        organization_id: server.organizationId,
      });
      expect(forOrganization.status).toBe(200);
      expect(decodeJwt(forOrganization.body.access_token as string)).toMatchObject({
        aud: `urn:logto:organization:${server.organizationId}`,
        iss: server.issuer,
      });

      const current = forOrganization.body.refresh_token as string;
      const notCovered = await refresh(server, current, { resource: uncoveredResource });
      expect(notCovered.status).toBe(400);
      expect(notCovered.body.error).toBe('invalid_target');
      // The refused request still consumed the token presented: after the grace it is reuse.
      await sleep(pastGraceMs);
      await expectRefreshRefused(server, current, 'the token presented with an uncovered resource');
    },
  },
  {
    name: 'revocation (public client) → 200; then refresh invalid_grant, opaque access token 401',
    async check(server) {
      const { tokens } = await signIn(server);
      expect((await userinfo(server, tokens.access_token)).status).toBe(200);
      const revoked = await revoke(server, tokens.refresh_token!, 'refresh_token');
      expect(revoked.status).toBe(200);
      await expectRefreshRefused(server, tokens.refresh_token!, 'a revoked refresh token');
      const me = await userinfo(server, tokens.access_token);
      expect(me.status).toBe(401);
      expect(me.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    },
  },
  {
    name: 'device flow: no interval, verification_uri ${endpoint}/device, 600 s; device app only',
    async check(server) {
      const device = await deviceAuthorization(server, server.deviceAppId);
      expect(device.status).toBe(200);
      expect(device.body).not.toHaveProperty('interval');
      expect(device.body).toMatchObject({
        device_code: expect.any(String),
        user_code: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
        verification_uri: `${server.endpoint}/device`,
        verification_uri_complete: `${server.endpoint}/device?user_code=${device.body.user_code as string}`,
        expires_in: 600,
      });
      const native = await deviceAuthorization(server, server.appId);
      expect(native.status).toBe(400);
      expect(native.body).toMatchObject({
        error: 'invalid_request',
        error_description: 'urn:ietf:params:oauth:grant-type:device_code is not allowed for this client',
      });
      const unknown = await deviceAuthorization(server, 'no-such-app');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('invalid_client');
    },
  },
  {
    name: 'app check: 400 JSON invalid_client / invalid_redirect_uri (with Logto’s code), else 303; no interaction',
    async check(server) {
      const ask = async (clientId: string, redirectUri: string) => {
        const url = new URL(server.as.authorization_endpoint!);
        url.search = new URLSearchParams({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: 'hflogin-app-check',
          scope: 'openid',
          state: 'x',
        }).toString();
        const response = await fetch(url, { redirect: 'manual' });
        const text = await response.text();
        return {
          status: response.status,
          location: response.headers.get('location'),
          cookies: response.headers.getSetCookie(),
          json: response.headers.get('content-type')?.startsWith('application/json')
            ? (JSON.parse(text) as Record<string, unknown>)
            : undefined,
        };
      };
      const unknown = await ask('no-such-app', 'http://127.0.0.1:45678/callback');
      expect(unknown).toMatchObject({ status: 400, location: null, cookies: [] });
      expect(unknown.json).toMatchObject({
        code: 'oidc.invalid_client',
        message: 'An OIDC error occurred: oidc.invalid_client.',
        error: 'invalid_client',
        state: 'x',
      });
      const refused = await ask(server.appId, 'http://127.0.0.1:45678/other');
      expect(refused).toMatchObject({ status: 400, location: null, cookies: [] });
      expect(refused.json).toMatchObject({
        code: 'oidc.invalid_redirect_uri',
        error: 'invalid_redirect_uri',
      });
      // The device-flow app registers no redirect URI at all.
      const device = await ask(server.deviceAppId, 'http://127.0.0.1:45678/callback');
      expect(device.json).toMatchObject({ error: 'invalid_redirect_uri' });
      const right = await ask(server.appId, 'http://127.0.0.1:45678/callback');
      expect(right.status).toBe(303);
      // No interaction is created: it would come with its `_interaction` cookie.
      expect(right.cookies).toEqual([]);
      const location = new URL(right.location!);
      expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:45678/callback');
      expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    },
  },
  {
    name: 'device app check (resource=not-a-url): invalid_client / invalid_request / invalid_target, no code',
    async check(server) {
      const ask = (clientId: string) =>
        postForm(server.as.device_authorization_endpoint!, {
          client_id: clientId,
          scope: 'openid',
          resource: 'not-a-url',
        });
      expect(await ask('no-such-app')).toMatchObject({
        status: 400,
        body: { code: 'oidc.invalid_client', error: 'invalid_client' },
      });
      expect(await ask(server.appId)).toMatchObject({
        status: 400,
        body: {
          code: 'oidc.invalid_request',
          error: 'invalid_request',
          error_description: 'urn:ietf:params:oauth:grant-type:device_code is not allowed for this client',
        },
      });
      const device = await ask(server.deviceAppId);
      expect(device).toMatchObject({
        status: 400,
        body: {
          code: 'oidc.invalid_target',
          error: 'invalid_target',
          error_description: 'resource indicator must be an absolute URI',
        },
      });
      expect(device.body).not.toHaveProperty('device_code');
    },
  },
  {
    name: 'GET /api/.well-known/sign-in-exp lists the enabled social connectors by target',
    async check(server) {
      const response = await fetch(`${server.endpoint}/api/.well-known/sign-in-exp`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as {
        socialConnectors: Array<{ target: string; platform: string | null }>;
        socialSignInConnectorTargets: string[];
        signInMode: string;
      };
      expect(document.socialConnectors.map((connector) => connector.target)).toEqual(['huggingface']);
      expect(document.socialConnectors[0]!.platform).toBe('Universal');
      expect(document.socialSignInConnectorTargets).toEqual(['huggingface']);
      expect(document.signInMode).toBe('SignInAndRegister');
    },
  },
];

type Outcome = '✓' | '✗';

/** A value for the report: JSON, with expect's matchers written as what they match. */
function show(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    const matcher = item as { asymmetricMatch?: unknown; toAsymmetricMatcher?: () => string } | null;
    if (typeof matcher?.asymmetricMatch === 'function')
      return `<${matcher.toAsymmetricMatcher?.() ?? 'matcher'}>`;
    return item;
  });
}

/** An assertion failure with what was expected and what the server did, for the report. */
function describeFailure(reason: unknown): string {
  const error = reason as Error & { actual?: unknown; expected?: unknown };
  const lines = [error.message];
  if ('expected' in error) lines.push(`  expected: ${show(error.expected)}`);
  if ('actual' in error) lines.push(`  actual:   ${show(error.actual)}`);
  return lines.join('\n');
}

const table = new Map<string, Record<PairedServer['name'], Outcome>>();

describe.skipIf(skip)('paired conformance: the emulator and the real Logto, row by row', () => {
  const emulator = useEmulator();
  let servers: PairedServer[];
  beforeAll(async () => {
    const browserLog = join(mkdtempSync(join(tmpdir(), 'hflogin-paired-')), 'drive-browser.jsonl');
    servers = [await emulatorServer(emulator), await logtoServer(stack, browserLog)];
  });
  afterAll(() => {
    const lines = ['| row | emulator | Logto |', '| --- | --- | --- |'];
    for (const row of rows) {
      const outcome = table.get(row.name);
      lines.push(`| ${row.name} | ${outcome?.emulator ?? '-'} | ${outcome?.Logto ?? '-'} |`);
    }
    console.log(lines.join('\n'));
  });

  for (const row of rows) {
    it(row.name, async () => {
      const settled = await Promise.allSettled(servers.map((server) => row.check(server)));
      const outcome = { emulator: '✗', Logto: '✗' } as Record<PairedServer['name'], Outcome>;
      const failures: string[] = [];
      settled.forEach((result, index) => {
        const { name } = servers[index]!;
        outcome[name] = result.status === 'fulfilled' ? '✓' : '✗';
        if (result.status === 'rejected') failures.push(`${name}: ${describeFailure(result.reason)}`);
      });
      table.set(row.name, outcome);
      if (failures.length > 0) throw new Error(`failed on ${failures.length} of 2:\n${failures.join('\n')}`);
    });
  }
});
