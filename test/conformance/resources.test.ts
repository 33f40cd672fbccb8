import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import { HttpUserAgent } from '../helpers/httpUserAgent.js';
import { useTestClient } from '../helpers/oidcClient.js';

const api = 'https://api.example.com';

describe('API resources (RFC 8707) and organization tokens', () => {
  const { emulator, client } = useTestClient();
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  beforeAll(() => {
    jwks = createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`));
  });

  const isJwt = (token: string) => token.split('.').length === 3;

  /**
   * A sign-in whose authorization request names the API (RFC 8707). The code exchange names it
   * again only `atTokenEndpoint`; otherwise a test asks for the API's token later, with a refresh.
   */
  async function signInForApi(scope: string, { atTokenEndpoint }: { atTokenEndpoint: boolean }) {
    const request = await client.authorizationRequest({ resource: api, scope });
    const callback = await client.signInWithHuggingFace(new HttpUserAgent(), request.url);
    return client.exchange(callback, request, atTokenEndpoint ? api : undefined);
  }

  it('gives an opaque access token, good for userinfo, without resource', async () => {
    const { tokens } = await client.signIn();
    expect(isJwt(tokens.access_token)).toBe(false);
    const userinfo = await client.userinfo(tokens.access_token);
    expect(userinfo.sub).toBe('u1alice00001');
  });

  it('gives a JWT for a registered resource, audience = the resource, signed ES384', async () => {
    const tokens = await signInForApi('openid offline_access profile read:models', { atTokenEndpoint: true });
    expect(isJwt(tokens.access_token)).toBe(true);
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe('ES384');
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: emulator.issuer,
      audience: api,
    });
    expect(payload).toMatchObject({ sub: 'u1alice00001', client_id: emulator.appId, scope: 'read:models' });

    // The refresh-token grant with resource gives another JWT for it (one resource per request).
    const refreshed = await client.refresh(tokens.refresh_token!, { resource: api });
    const again = await jwtVerify(refreshed.access_token, jwks, { issuer: emulator.issuer, audience: api });
    expect(again.payload.sub).toBe('u1alice00001');
  });

  it('refuses an unknown resource with invalid_target, at authorization and at the token endpoint', async () => {
    const request = await client.authorizationRequest({ resource: 'https://unknown.example.com' });
    const hop = await new HttpUserAgent().request(request.url);
    const error = new URL(hop.location!).searchParams;
    expect(error.get('error')).toBe('invalid_target');

    const { tokens } = await client.signIn();
    const response = await client.refreshRaw(tokens.refresh_token!, {
      resource: 'https://unknown.example.com',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('gives an organization token through the refresh-token grant with organization_id', async () => {
    const { tokens } = await client.signIn({
      scope: 'openid offline_access profile urn:logto:scope:organizations',
    });
    const organization = await client.refresh(tokens.refresh_token!, { organization_id: 'org-open-models' });
    expect(isJwt(organization.access_token)).toBe(true);
    const { payload } = await jwtVerify(organization.access_token, jwks, {
      issuer: emulator.issuer,
      audience: 'urn:logto:organization:org-open-models',
    });
    expect(payload.sub).toBe('u1alice00001');
    // The grant rotated: the new refresh token works, and the session stays usable.
    expect(organization.refresh_token).not.toBe(tokens.refresh_token);
    const next = await client.refresh(organization.refresh_token!);
    expect(next.access_token).toBeTypeOf('string');
  });

  it('adds organization_id to a resource token requested for an organization', async () => {
    const tokens = await signInForApi('openid offline_access urn:logto:scope:organizations read:models', {
      atTokenEndpoint: false,
    });
    const scoped = await client.refresh(tokens.refresh_token!, {
      resource: api,
      organization_id: 'org-open-models',
    });
    const { payload } = await jwtVerify(scoped.access_token, jwks, { audience: api });
    expect(payload.organization_id).toBe('org-open-models');
  });

  it('refuses organization tokens to non-members (403) and without the organizations scope', async () => {
    const { tokens: bob } = await client.signIn(
      { scope: 'openid offline_access profile urn:logto:scope:organizations' },
      'bob-hf',
    );
    const notMember = await client.refreshRaw(bob.refresh_token!, { organization_id: 'org-open-models' });
    expect(notMember.status).toBe(403);
    expect(await notMember.json()).toMatchObject({ error: 'access_denied' });

    const { tokens: alice } = await client.signIn({ scope: 'openid offline_access profile' });
    const noScope = await client.refreshRaw(alice.refresh_token!, { organization_id: 'org-open-models' });
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});
