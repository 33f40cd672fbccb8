import { describe, expect, it } from 'vitest';

import { startEmulator } from '../emulator/index.js';
import { useEmulator } from '../helpers/useEmulator.js';

describe('discovery and routes (Logto layout)', () => {
  const emulator = useEmulator();

  it('serves discovery at <endpoint>/oidc/.well-known/openid-configuration with issuer <endpoint>/oidc', async () => {
    const response = await fetch(`${emulator.endpoint}/oidc/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    const oidc = `${emulator.endpoint}/oidc`;
    expect(discovery).toMatchObject({
      issuer: oidc,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      userinfo_endpoint: `${oidc}/me`,
      revocation_endpoint: `${oidc}/token/revocation`,
      end_session_endpoint: `${oidc}/session/end`,
      jwks_uri: `${oidc}/jwks`,
      device_authorization_endpoint: `${oidc}/device/auth`,
      id_token_signing_alg_values_supported: ['ES384'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(discovery.scopes_supported).toEqual(
      expect.arrayContaining([
        'openid',
        'offline_access',
        'profile',
        'email',
        'identities',
        'urn:logto:scope:organizations',
      ]),
    );
    expect(discovery.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ]),
    );
  });

  it('publishes one P-384 signing key in its JWKS', async () => {
    const jwks = (await (await fetch(`${emulator.endpoint}/oidc/jwks`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('answers every Logto route under /oidc (none of them 404)', async () => {
    const oidc = `${emulator.endpoint}/oidc`;
    const routes: Array<[string, string]> = [
      ['GET', '/auth'],
      ['POST', '/token'],
      ['GET', '/me'],
      ['POST', '/token/revocation'],
      ['GET', '/session/end'],
      ['GET', '/jwks'],
      ['POST', '/device/auth'],
      ['GET', '/device'],
    ];
    for (const [method, path] of routes) {
      const response = await fetch(`${oidc}${path}`, { method, redirect: 'manual' });
      expect.soft(response.status, `${method} ${path}`).not.toBe(404);
    }
  });

  it('signs with RS256 when configured with RSA keys (after a key rotation)', async () => {
    const rsa = await startEmulator({ signingAlg: 'RS256' });
    try {
      const discovery = (await (
        await fetch(`${rsa.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
    } finally {
      await rsa.close();
    }
  });
});
