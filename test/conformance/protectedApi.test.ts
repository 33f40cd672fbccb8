import { setTimeout as sleep } from 'node:timers/promises';

import { createLocalJWKSet, createRemoteJWKSet, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import type { EchoAnswer } from '../emulator/index.js';
import { startProtectedApi } from '../emulator/protectedApi.js';
import { useTestClient } from '../helpers/oidcClient.js';

/**
 * The emulator's protected API (test/emulator/protectedApi.ts) checks access tokens as a real API
 * must (RFC 9068 §4, RFC 6750 §3): what it accepts, what it refuses and how it says so.
 */
describe("the emulator's protected API: a real check of the tenant's access tokens", () => {
  // One short-lived API, to meet an expired token without forging one.
  const { emulator, client } = useTestClient({
    emulator: {
      protectedApis: [
        { path: '/echo', name: 'Echo API', scopes: ['read:echo'], accessTokenTtl: 3600 },
        {
          path: '/echo/admin',
          name: 'Echo admin API',
          scopes: ['admin:echo', 'read:echo'],
          requiredScopes: ['admin:echo'],
          accessTokenTtl: 3600,
        },
        { path: '/brief', name: 'Short-lived API', scopes: [], accessTokenTtl: 1 },
      ],
    },
  });
  const echo = () => emulator.protectedApis['/echo']!;
  const admin = () => emulator.protectedApis['/echo/admin']!;
  let opaque: string;
  let idToken: string;
  beforeAll(async () => {
    const { tokens } = await client.signIn();
    opaque = tokens.access_token;
    idToken = tokens.id_token!;
  });
  /** A token for `resource`: a sign-in that asks for it, then the refresh grant with it. */
  async function tokenFor(resource: string, scope = 'openid offline_access read:echo'): Promise<string> {
    const { tokens } = await client.signIn({ resource, scope });
    return (await client.refresh(tokens.refresh_token!, { resource })).access_token;
  }
  const call = (url: string, token?: string, init: RequestInit = {}) =>
    fetch(url, {
      ...init,
      headers: { ...(init.headers as object), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  it('a valid token: 200 and the echo of what it saw (method, path, query, JSON body, sub, aud, scopes)', async () => {
    const token = await tokenFor(echo());
    const response = await call(`${echo()}/models?tag=a&tag=b&limit=5`, token, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: JSON.stringify({ name: 'demo' }),
    });
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as EchoAnswer;
    expect(echoed).toMatchObject({
      method: 'POST',
      path: '/echo/models',
      query: { tag: ['a', 'b'], limit: '5' },
      contentType: 'application/json',
      body: { name: 'demo' },
      resource: echo(),
      claims: { iss: emulator.issuer, sub: 'u1alice00001', aud: echo(), scopes: ['read:echo'] },
    });
    expect(echoed.headers['x-trace']).toBe('t1');
    // The token itself is never echoed.
    expect(JSON.stringify(echoed)).not.toContain(token);
  });

  it('no token: 401 with the Bearer challenge and no error code (RFC 6750 §3.1)', async () => {
    const response = await call(`${echo()}/x`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${echo()}"`);
  });

  it.each([
    [
      'a token that is not a JWT (the opaque userinfo token)',
      () => opaque,
      'not a valid token (ERR_JWS_INVALID)',
    ],
    ['an ID token (typ JWT, not at+jwt; aud the app)', () => idToken, 'the typ claim is not right'],
    ['a token for another resource', () => tokenFor('https://api.example.com'), 'the aud claim is not right'],
    [
      'a token whose signature was tampered with',
      async () => {
        const [header, payload, signature] = (await tokenFor(echo())).split('.');
        return `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
      },
      'the signature does not verify',
    ],
  ])('refuses %s: 401 invalid_token, saying why', async (_name, token, why) => {
    const response = await call(`${echo()}/x`, await token());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${echo()}", error="invalid_token", error_description="${why}"`,
    );
    expect(await response.json()).toEqual({ error: 'invalid_token', error_description: why });
  });

  it('refuses an expired token: 401 invalid_token', async () => {
    const token = await tokenFor(emulator.protectedApis['/brief']!);
    expect((await call(`${emulator.protectedApis['/brief']}/x`, token)).status).toBe(200);
    await sleep(2_100);
    const response = await call(`${emulator.protectedApis['/brief']}/x`, token);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token has expired',
    });
  });

  it("refuses a token of another issuer, and one no key of the API's JWKS signed", async () => {
    const token = await tokenFor(echo());
    const { publicKey } = await generateKeyPair('ES384');
    const otherJwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'another-tenant', alg: 'ES384' }] };
    const apis = await Promise.all([
      startProtectedApi({
        issuer: 'https://other.example/oidc',
        keys: createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`)),
        routes: [{ path: '/v1', resource: echo() }],
      }),
      startProtectedApi({
        issuer: emulator.issuer,
        keys: createLocalJWKSet(otherJwks),
        routes: [{ path: '/v1', resource: echo() }],
      }),
      startProtectedApi({
        issuer: emulator.issuer,
        keys: createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`)),
        routes: [{ path: '/v1', resource: echo() }],
      }),
    ]);
    try {
      const [otherIssuer, otherKeys, same] = apis;
      const wrongIssuer = await call(`${otherIssuer!.url}/v1/x`, token);
      expect(wrongIssuer.status).toBe(401);
      expect(await wrongIssuer.json()).toMatchObject({ error_description: 'the iss claim is not right' });
      const wrongKeys = await call(`${otherKeys!.url}/v1/x`, token);
      expect(wrongKeys.status).toBe(401);
      expect(await wrongKeys.json()).toMatchObject({
        error_description: "no key of the tenant's JWKS signed it",
      });
      // The tenant's issuer and JWKS, on a server of its own: the same token passes.
      expect((await call(`${same!.url}/v1/x`, token)).status).toBe(200);
    } finally {
      await Promise.all(apis.map((api) => api.close()));
    }
  });

  it('a required scope missing: 403 insufficient_scope with the scope it needs (RFC 6750 §3.1)', async () => {
    // Granted the admin API but not its admin:echo scope.
    const response = await call(`${admin()}/users`, await tokenFor(admin()));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${admin()}", error="insufficient_scope", error_description="the token lacks admin:echo", scope="admin:echo"`,
    );
    const { tokens: granted } = await client.signIn({
      resource: admin(),
      scope: 'openid offline_access admin:echo',
    });
    const adminToken = (await client.refresh(granted.refresh_token!, { resource: admin() })).access_token;
    const ok = await call(`${admin()}/users`, adminToken);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as EchoAnswer).claims.scopes).toEqual(['admin:echo']);
  });

  it('the longest path wins: a token for /echo is refused under /echo/admin', async () => {
    const response = await call(`${admin()}/users`, await tokenFor(echo()));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error_description: 'the aud claim is not right' });
  });

  it('the APIs are API resources of the tenant: unknown paths stay 404, as before', async () => {
    expect((await fetch(`${emulator.endpoint}/echoes`)).status).toBe(404);
    expect(emulator.options.resources.map((resource) => resource.indicator)).toEqual([
      'https://api.example.com',
      echo(),
      admin(),
      emulator.protectedApis['/brief'],
    ]);
  });
});
