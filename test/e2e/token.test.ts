import { createRemoteJWKSet, jwtVerify } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { parseSession, type StoredSession } from '../../src/session/session.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { seedSignedInSession, storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());
const api = 'https://api.example.com';

describe.skipIf(keychain.skip)('hflogin token: valid tokens, refreshed under a cross-process lock', () => {
  let emulator: Emulator;
  let client: TestClient;
  let isolated: ReturnType<typeof isolatedProfile>;
  const target = () => ({
    configDir: isolated.configDir,
    profile: isolated.profile,
    storage: 'keychain' as const,
  });
  const stored = async () =>
    parseSession((await (await storeFor('keychain', isolated.configDir)).load(isolated.profile))!);
  const storedText = async () => (await storeFor('keychain', isolated.configDir)).load(isolated.profile);
  const expire = async (session: StoredSession) =>
    (await storeFor('keychain', isolated.configDir)).save(
      isolated.profile,
      JSON.stringify({ ...session, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() }),
    );
  const refreshes = () => emulator.stats.tokenRequests.refresh_token ?? 0;
  const token = (...args: string[]) => runHflogin(['token', ...args], isolated.env);

  beforeAll(async () => {
    // Reuse of a rotated refresh token revokes the grant at once: no grace hides a race.
    emulator = await startEmulator({ refreshTokenReuseIntervalSeconds: 0 });
    client = await TestClient.discover(emulator);
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    isolated = isolatedProfile();
  });
  afterEach(async () => {
    await (await storeFor('keychain', isolated.configDir)).clear(isolated.profile);
  });

  it('prints the stored access token when it is still valid, without a refresh', async () => {
    const session = await seedSignedInSession(emulator, target());
    const before = refreshes();
    const run = token();
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe(`${session.accessToken}\n`);
    expect(run.stderr()).toBe('');
    expect(refreshes()).toBe(before);
  });

  it('refreshes an expired token first and saves the rotated refresh token', async () => {
    const session = await seedSignedInSession(emulator, target());
    await expire(session);
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

  it('survives 24 concurrent `hflogin token` with an expired token: exactly one refresh, one grant', async () => {
    const session = await seedSignedInSession(emulator, target());
    await expire(session);
    const before = refreshes();
    const reusedBefore = emulator.stats.refreshTokenReuse;
    const runs = Array.from({ length: 24 }, () => token());
    const codes = await Promise.all(runs.map((run) => run.exit));
    const printed = runs.map((run) => run.stdout().trim());

    const made = refreshes() - before;
    console.log(
      `[concurrency] 24 processes, ${made} refresh(es), ${new Set(printed).size} distinct token(s), ${emulator.stats.refreshTokenReuse - reusedBefore} rotated-out token(s) presented`,
    );
    expect(codes.every((code) => code === 0)).toBe(true);
    expect(made).toBe(1);
    expect(new Set(printed).size).toBe(1);
    expect(emulator.stats.refreshTokenReuse - reusedBefore).toBe(0);
    // The grant is alive: no rotated refresh token was ever presented twice.
    const after = await stored();
    expect(after.accessToken).toBe(printed[0]);
    const grantId = (await emulator.provider.AccessToken.find(after.accessToken))?.grantId ?? '';
    expect(emulator.grantAlive(grantId)).toBe(true);
    expect((await client.userinfo(printed[0]!)).sub).toBe('u1alice00001');
    const next = await client.refreshRaw(after.refreshToken!);
    expect(next.status).toBe(200);
  });

  it('gives a JWT for an API resource (aud = the resource), cached until it expires', async () => {
    await seedSignedInSession(emulator, target(), {
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
    await seedSignedInSession(emulator, target(), {
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

  it('says so when the session lacks the organizations scope, or was not granted the resource — and keeps the grant', async () => {
    // Logto's own 3 s reuse grace here: a refused resource spends the refresh token (Logto rotates
    // before it resolves the resource), and only within the grace can hflogin still save the grant.
    const graceful = await startEmulator();
    try {
      const session = await seedSignedInSession(graceful, target());
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
      await expire(await stored());
      const plain = token();
      expect(await plain.exit).toBe(0);
      expect(graceful.stats.refreshTokenReuse).toBe(1);
      expect(graceful.stats.grantsRevoked).toBe(0);
    } finally {
      await graceful.close();
    }
  });

  it('exits 4 on invalid_grant, keeps the session marked refused, and status and whoami agree', async () => {
    const session = await seedSignedInSession(emulator, target());
    await expire(session);
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
    const status = runHflogin(['status', '--json'], isolated.env);
    const whoami = runHflogin(['whoami'], isolated.env);
    const again = token();
    expect([await status.exit, await whoami.exit, await again.exit]).toEqual([4, 4, 4]);
    expect(JSON.parse(status.stdout()).profiles[0].state).toBe('refresh-refused');
    expect(emulator.stats.tokenErrors.invalid_grant ?? 0).toBe(refreshesBefore);
  });

  it('exits 5 when the provider is down, leaving the stored session untouched', async () => {
    const down = await startEmulator();
    const session = await seedSignedInSession(down, target());
    await expire(session);
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
