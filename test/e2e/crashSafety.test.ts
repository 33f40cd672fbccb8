import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { configDirScope } from '../../src/config/paths.js';
import type { StorageKind } from '../../src/config/profiles.js';
import { parseSession } from '../../src/session/session.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { seedSignedInSession, storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());
const kills = 25;

/**
 * Killing hflogin (kill -9) while it refreshes and writes the session never leaves the session
 * unreadable; a damaged keychain entry gives a clear error and exit 4, never a crash (a damaged
 * session file: test/inprocess/sessionTrust.test.ts).
 */
describe('crash safety', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    // A long reuse grace keeps the grant alive when a killed process rotated a token it never saved,
    // so every round really refreshes and writes.
    emulator = await startEmulator({ refreshTokenReuseIntervalSeconds: 3_600 });
  });
  afterAll(() => emulator?.close());

  const storages: StorageKind[] = keychain.skip ? ['file'] : ['file', 'keychain'];

  it.each(storages)(
    'kill -9 during refresh-and-save, %s storage: the session always reads back whole',
    async (storage) => {
      const isolated = isolatedProfile();
      await seedSignedInSession(emulator, {
        configDir: isolated.configDir,
        profile: isolated.profile,
        storage,
      });
      const store = await storeFor(storage, isolated.configDir);
      let interrupted = 0;
      for (let round = 0; round < kills; round += 1) {
        const current = parseSession((await store.load(isolated.profile))!);
        await store.save(
          isolated.profile,
          JSON.stringify({ ...current, accessTokenExpiresAt: new Date(0).toISOString() }),
        );
        const run = runHflogin(['token'], isolated.env);
        await sleep(20 + Math.random() * 120);
        if (run.child.kill('SIGKILL')) interrupted += 1;
        await run.exit;
        // Whatever moment it died at, the stored session is the old one or the new one, whole.
        const text = await store.load(isolated.profile);
        expect(text).not.toBeNull();
        expect(() => parseSession(text!)).not.toThrow();
      }
      // And hflogin carries on: a stale lock from a killed process is taken over.
      const after = runHflogin(['token'], isolated.env);
      expect(await after.exit).toBe(0);
      console.log(
        `[crash] ${storage}: ${kills} rounds, ${interrupted} processes killed mid-run, session readable every time`,
      );
      await store.clear(isolated.profile);
    },
    120_000,
  );

  it.skipIf(keychain.skip)('reports a damaged keychain entry with exit 4', async () => {
    const isolated = isolatedProfile();
    await seedSignedInSession(emulator, {
      configDir: isolated.configDir,
      profile: isolated.profile,
      storage: 'keychain',
    });
    // Another program overwrote the entry with something that is not hflogin's.
    const store = spawnSync(
      'secret-tool',
      [
        'store',
        '--label',
        'tampered',
        'service',
        'hflogin',
        'username',
        `session:${isolated.profile}@${configDirScope(isolated.configDir)}`,
      ],
      { input: 'not a manifest', encoding: 'utf8' },
    );
    expect(store.status).toBe(0);
    const run = runHflogin(['whoami'], isolated.env);
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('unreadable');
    await (await storeFor('keychain', isolated.configDir)).clear(isolated.profile);
  });
});
