import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { seedSignedInSession, storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

/**
 * `hflogin token` in many processes at once, on the real keychain: the refresh happens once, under
 * the cross-process lock. Everything one process shows is in test/inprocess/token.test.ts.
 */
describe.skipIf(keychain.skip)('hflogin token: refreshed under a cross-process lock', () => {
  let emulator: Emulator;
  let client: TestClient;
  let isolated: ReturnType<typeof isolatedProfile>;
  const stored = async () =>
    parseSession((await (await storeFor('keychain', isolated.configDir)).load(isolated.profile))!);
  const refreshes = () => emulator.stats.tokenRequests.refresh_token ?? 0;

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

  it('survives 24 concurrent `hflogin token` with an expired token: exactly one refresh, one grant', async () => {
    const session = await seedSignedInSession(emulator, {
      configDir: isolated.configDir,
      profile: isolated.profile,
      storage: 'keychain',
    });
    await (
      await storeFor('keychain', isolated.configDir)
    ).save(
      isolated.profile,
      JSON.stringify({ ...session, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() }),
    );
    const before = refreshes();
    const reusedBefore = emulator.stats.refreshTokenReuse;
    const runs = Array.from({ length: 24 }, () => runHflogin(['token'], isolated.env));
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
});
