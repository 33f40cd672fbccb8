import { setTimeout as sleep } from 'node:timers/promises';

import { createRemoteJWKSet, jwtVerify } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { serializeSession } from '../../src/session/session.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { useEmulator } from '../helpers/useEmulator.js';

const api = 'https://api.example.com';

/** `hflogin token` on the keychain (many processes racing one refresh: test/e2e/token.test.ts). */
describe('hflogin token: valid tokens, refreshed when due', () => {
  // Reuse of a rotated refresh token revokes the grant at once: no grace hides a race.
  const emulator = useEmulator({ refreshTokenReuseIntervalSeconds: 0 });
  // Logto's own 3 s reuse grace.
  const graceful = useEmulator();
  const down = useEmulator();
  let client: TestClient;
  let host: FakeHost;
  const stored = async () => (await host.session('keychain'))!;
  const storedText = async () => (await host.store('keychain')).load(host.profile);
  const refreshes = () => emulator.stats.tokenRequests.refresh_token ?? 0;
  const token = (...args: string[]) => hflogin(host, ['token', ...args]);

  beforeAll(async () => {
    client = await TestClient.discover(emulator);
  });
  beforeEach(() => {
    host = fakeHost();
  });

  it('prints the stored access token when it is still valid, without a refresh', async () => {
    const session = await host.seed(emulator, 'keychain');
    const before = refreshes();
    const run = token();
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe(`${session.accessToken}\n`);
    expect(run.stderr()).toBe('');
    expect(refreshes()).toBe(before);
  });

  it('refreshes an expired token first and saves the rotated refresh token', async () => {
    const session = await host.seed(emulator, 'keychain');
    await host.expire('keychain');
    const run = token('--json');
    expect(await run.exit).toBe(0);
    const output = JSON.parse(run.stdout()) as Record<string, unknown>;
    expect(output).toEqual({
      schemaVersion: 1,
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresAt: expect.stringMatching(/^\d{4}-/),
      scope: 'openid offline_access profile email identities',
      resource: null,
      organization: null,
    });
    expect(output.accessToken).not.toBe(session.accessToken);
    const after = await stored();
    expect(after.accessToken).toBe(output.accessToken);
    expect(after.refreshToken).not.toBe(session.refreshToken);
    expect((await client.userinfo(String(output.accessToken))).sub).toBe('u1alice00001');
  });

  it('gives a JWT for an API resource (aud = the resource), cached until it expires', async () => {
    await host.seed(emulator, 'keychain', {
      params: { resource: api, scope: 'openid offline_access profile email identities read:models' },
    });
    const first = token('--resource', api, '--json');
    expect(await first.exit).toBe(0);
    const output = JSON.parse(first.stdout()) as { accessToken: string; resource: string; scope: string };
    expect(output.resource).toBe(api);
    const jwks = createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`));
    const { payload } = await jwtVerify(output.accessToken, jwks, { issuer: emulator.issuer, audience: api });
    expect(payload.sub).toBe('u1alice00001');
    expect(output.scope).toBe('read:models');

    const before = refreshes();
    const second = token('--resource', api);
    expect(await second.exit).toBe(0);
    expect(second.stdout().trim()).toBe(output.accessToken);
    expect(refreshes()).toBe(before);
    // The default token is still there, too.
    const plain = token();
    expect(await plain.exit).toBe(0);
    expect(plain.stdout().trim()).not.toBe(output.accessToken);
  });

  it('gives an organization token (aud = urn:logto:organization:<id>)', async () => {
    await host.seed(emulator, 'keychain', {
      params: { scope: 'openid offline_access profile urn:logto:scope:organizations' },
    });
    const run = token('--organization', 'org-open-models');
    expect(await run.exit).toBe(0);
    const jwks = createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`));
    const { payload } = await jwtVerify(run.stdout().trim(), jwks, {
      issuer: emulator.issuer,
      audience: 'urn:logto:organization:org-open-models',
    });
    expect(payload.sub).toBe('u1alice00001');
  });

  it('logout says which resource and organization tokens outlive the revocation (JWTs), and until when', async () => {
    const session = await host.seed(emulator, 'keychain', {
      params: {
        resource: api,
        scope: 'openid offline_access profile email identities read:models urn:logto:scope:organizations',
      },
    });
    expect(await token('--resource', api).exit).toBe(0);
    expect(await token('--organization', 'org-open-models').exit).toBe(0);
    const cached = (await stored()).audiences!;
    const resourceToken = cached[`resource:${api}`]!;
    const organizationToken = cached['organization:org-open-models']!;
    // One more, already expired: nothing to warn about.
    cached['resource:https://old.example.com'] = {
      ...resourceToken,
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    };
    await (
      await host.store('keychain')
    ).save(host.profile, serializeSession({ ...(await stored()), audiences: cached }));

    const logout = hflogin(host, ['logout']);
    expect(await logout.exit).toBe(0);
    const lines = logout.stderr().trim().split('\n');
    expect(lines[0]).toContain('the session was revoked and removed from this machine');
    expect(lines.slice(1)).toEqual([
      `Tokens for ${api} stay valid until ${new Date(resourceToken.expiresAt).toISOString()} (JWTs cannot be revoked).`,
      `Tokens for organization org-open-models stay valid until ${new Date(organizationToken.expiresAt).toISOString()} (JWTs cannot be revoked).`,
    ]);
    // What it says is so: the grant is gone, the resource JWT still verifies by itself.
    expect((await client.refreshRaw(session.refreshToken!)).status).toBe(400);
    const jwks = createRemoteJWKSet(new URL(`${emulator.issuer}/jwks`));
    await expect(
      jwtVerify(resourceToken.accessToken, jwks, { issuer: emulator.issuer, audience: api }),
    ).resolves.toBeTruthy();
  });

  it("logout with only the session's own token says nothing about JWTs", async () => {
    await host.seed(emulator, 'keychain');
    const logout = hflogin(host, ['logout']);
    expect(await logout.exit).toBe(0);
    expect(logout.stderr()).not.toContain('JWTs');
    expect(logout.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('says so when the session lacks the organizations scope, or was not granted the resource — and keeps the grant', async () => {
    // A refused resource spends the refresh token (Logto rotates before it resolves the resource),
    // and only within Logto's reuse grace can hflogin still save the grant.
    const session = await host.seed(graceful, 'keychain');
    const organization = token('--organization', 'org-open-models');
    expect(await organization.exit).toBe(1);
    expect(organization.stderr()).toContain('urn:logto:scope:organizations');
    expect(organization.stderr()).toContain('hflogin login --organization org-open-models');

    const resource = token('--resource', api);
    expect(await resource.exit).toBe(1);
    expect(resource.stderr()).toContain(`not granted access to ${api}`);
    expect(resource.stderr()).toContain(`hflogin login --resource ${api}`);
    // Past the grace, the session still refreshes: hflogin kept the refresh token's successor.
    await sleep(3_500);
    expect((await stored()).refreshToken).not.toBe(session.refreshToken);
    await host.expire('keychain');
    const plain = token();
    expect(await plain.exit).toBe(0);
    expect(graceful.stats.refreshTokenReuse).toBe(1);
    expect(graceful.stats.grantsRevoked).toBe(0);
  });

  it('exits 4 on invalid_grant, keeps the session marked refused, and status and whoami agree', async () => {
    const session = await host.seed(emulator, 'keychain');
    await host.expire('keychain');
    await client.revoke(session.refreshToken!);
    const before = await stored();
    const run = token();
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('can no longer be refreshed');
    expect(run.stderr()).toContain('refused its refresh token');
    expect(run.stderr()).toContain('hflogin login');
    expect(run.stdout()).toBe('');
    // Nothing is lost: the same session, only marked as refused.
    const { refreshRefusedAt, ...after } = await stored();
    expect(after).toEqual(before);
    expect(refreshRefusedAt).toMatch(/^\d{4}-/);
    // Every command now says the same, without asking Logto again.
    const refreshesBefore = emulator.stats.tokenErrors.invalid_grant ?? 0;
    const status = hflogin(host, ['status', '--json']);
    const whoami = hflogin(host, ['whoami']);
    const again = token();
    expect([await status.exit, await whoami.exit, await again.exit]).toEqual([4, 4, 4]);
    expect(JSON.parse(status.stdout()).profiles[0].state).toBe('refresh-refused');
    expect(emulator.stats.tokenErrors.invalid_grant ?? 0).toBe(refreshesBefore);
  });

  it('exits 5 when the provider is down, leaving the stored session untouched', async () => {
    await host.seed(down, 'keychain');
    await host.expire('keychain');
    const before = await storedText();
    await down.close();
    const run = token();
    expect(await run.exit).toBe(5);
    expect(run.stderr()).toContain('cannot reach');
    expect(await storedText()).toBe(before);
  });

  it('exits 4 when not signed in, and never starts a sign-in', async () => {
    const run = token();
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('Not signed in');
    expect(run.stderr()).not.toContain('/oidc/auth');
  });
});
