import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseSession, serializeSession, type StoredSession } from '../../src/session/session.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { seedSignedInSession, storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

type Isolated = ReturnType<typeof isolatedProfile>;

/**
 * The session is the product: against real processes, the emulator and the real keychain, a grant
 * is never lost (Ctrl+C, slow networks, racing processes, logout). What one process shows (tenants
 * kept apart, refresh answers checked) runs in-process: test/inprocess/sessionTrust.test.ts.
 */
describe.skipIf(keychain.skip)('the session is never lost or crossed', () => {
  const emulators: Emulator[] = [];
  const profiles: Isolated[] = [];
  const started = async (...options: Parameters<typeof startEmulator>) => {
    const emulator = await startEmulator(...options);
    emulators.push(emulator);
    return emulator;
  };
  const newProfile = () => {
    const isolated = isolatedProfile();
    profiles.push(isolated);
    return isolated;
  };
  const target = (isolated: Isolated) => ({
    configDir: isolated.configDir,
    profile: isolated.profile,
    storage: 'keychain' as const,
  });
  const store = (isolated: Isolated) => storeFor('keychain', isolated.configDir);
  const stored = async (isolated: Isolated) => {
    const text = await (await store(isolated)).load(isolated.profile);
    return text === null ? null : parseSession(text);
  };
  const expire = async (isolated: Isolated) => {
    const session = (await stored(isolated))!;
    const expired: StoredSession = {
      ...session,
      accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString(),
    };
    await (await store(isolated)).save(isolated.profile, serializeSession(expired));
    return expired;
  };
  /** Whether Logto would still honour the stored refresh token: the grant is alive. */
  const grantAlive = async (emulator: Emulator, isolated: Isolated) => {
    const session = (await stored(isolated))!;
    const grantId = (await emulator.provider.RefreshToken.find(session.refreshToken!))?.grantId;
    return grantId !== undefined && emulator.grantAlive(grantId);
  };

  afterEach(async () => {
    for (const isolated of profiles.splice(0))
      await (await store(isolated)).clear(isolated.profile).catch(() => undefined);
  });
  afterAll(async () => {
    for (const emulator of emulators) await emulator.close();
  });

  describe('a slow provider', () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await started({ refreshTokenReuseIntervalSeconds: 0 });
    });

    it(
      'each request answered after 25 s, 3 concurrent `token` on an expired session: one refresh, grant alive, no rotated-out token presented',
      { timeout: 240_000 },
      async () => {
        const isolated = newProfile();
        await seedSignedInSession(emulator, target(isolated));
        await expire(isolated);
        emulator.options.networkFault = 'slow';
        emulator.options.slowMs = 25_000;
        const began = Date.now();
        try {
          const runs = Array.from({ length: 3 }, () => runHflogin(['token'], isolated.env));
          const codes = await Promise.all(runs.map((run) => run.exit));
          const printed = new Set(runs.map((run) => run.stdout().trim()));
          console.log(
            `[slow provider] 3 processes, ${Math.round((Date.now() - began) / 1000)} s, ${emulator.stats.tokenRequests.refresh_token ?? 0} refresh(es), ${emulator.stats.refreshTokenReuse} rotated-out token(s) presented`,
          );
          expect(codes).toEqual([0, 0, 0]);
          expect(printed.size).toBe(1);
          expect(emulator.stats.tokenRequests.refresh_token).toBe(1);
        } finally {
          emulator.options.networkFault = null;
        }
        expect(emulator.stats.refreshTokenReuse).toBe(0);
        expect(await grantAlive(emulator, isolated)).toBe(true);
      },
    );
  });

  describe('Ctrl+C during the refresh', () => {
    let emulator: Emulator;
    beforeAll(async () => {
      // No reuse grace: any rotated-out token presented again revokes the grant at once.
      emulator = await started({ refreshTokenReuseIntervalSeconds: 0, refreshResponseDelayMs: 300 });
    });

    it('20 times SIGINT while the refresh answer is on its way: saved every time, the grant alive', async () => {
      const isolated = newProfile();
      await seedSignedInSession(emulator, target(isolated));
      let alive = 0;
      for (let round = 1; round <= 20; round += 1) {
        await expire(isolated);
        const run = runHflogin(['token'], isolated.env);
        const refreshing = new Promise<void>((resolve) => emulator.events.once('refresh', () => resolve()));
        await refreshing;
        run.child.kill('SIGINT');
        expect(await run.exit).toBe(130);
        expect(run.stderr()).toContain('Finishing saving the refreshed session');
        expect(run.stdout()).toBe('');
        if (await grantAlive(emulator, isolated)) alive += 1;
      }
      // And the saved session still refreshes: the rotated token was kept every time.
      await expire(isolated);
      const after = runHflogin(['token'], isolated.env);
      expect(await after.exit).toBe(0);
      console.log(
        `[sigint] 20 interrupted refreshes, grant alive after ${alive}, ${emulator.stats.refreshTokenReuse} rotated-out token(s) presented`,
      );
      expect(alive).toBe(20);
      expect(emulator.stats.refreshTokenReuse).toBe(0);
      expect(await grantAlive(emulator, isolated)).toBe(true);
    });
  });

  describe('logout racing token', () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await started({ refreshTokenReuseIntervalSeconds: 0 });
    });

    it('logout with 10 `token` calls on an expired session: signed out afterwards, nothing written back', async () => {
      const isolated = newProfile();
      await seedSignedInSession(emulator, target(isolated));
      await expire(isolated);
      const revokedBefore = emulator.stats.grantsRevoked;
      const tokens = Array.from({ length: 10 }, () => runHflogin(['token'], isolated.env));
      const logout = runHflogin(['logout'], isolated.env);
      const codes = await Promise.all(tokens.map((run) => run.exit));
      expect(await logout.exit).toBe(0);
      // Every `token` either got a token before the sign-out or was told it is signed out.
      expect(codes.every((code) => code === 0 || code === 4)).toBe(true);
      expect(await stored(isolated)).toBeNull();
      const status = runHflogin(['status', '--json'], isolated.env);
      expect(await status.exit).toBe(4);
      expect(JSON.parse(status.stdout()).profiles[0].state).toBe('signed-out');
      // The grant was revoked at the provider, once, by the logout (no reuse revoked it).
      expect(emulator.stats.grantsRevoked - revokedBefore).toBe(1);
      console.log(
        `[logout race] 10 token calls: ${codes.filter((code) => code === 0).length} got a token, ${codes.filter((code) => code === 4).length} were told they are signed out; ${emulator.stats.refreshTokenReuse} rotated-out token(s) presented`,
      );
      expect(emulator.stats.refreshTokenReuse).toBe(0);
    });
  });
});
