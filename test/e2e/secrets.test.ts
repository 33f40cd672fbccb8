import { join } from 'node:path';

import { afterAll, describe, it } from 'vitest';

import { parseSession, serializeSession } from '../../src/session/session.js';
import { browseToCallback } from '../helpers/httpUserAgent.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { expectNoLeaks } from '../helpers/leakSearch.js';
import { storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';
import { useEmulator } from '../helpers/useEmulator.js';

const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

/**
 * The leak search of test/inprocess/secrets.test.ts with the built binary and the real
 * gnome-keyring: a keychain session must leave no token in any file (config or cache).
 */
describe.skipIf(keychain.skip)('secrets never leak (the binary, the real keychain)', () => {
  const emulator = useEmulator();
  const isolated = isolatedProfile();
  const cache = join(isolated.root, 'cache');
  afterAll(async () => {
    await (await storeFor('keychain', isolated.configDir)).clear(isolated.profile);
  });

  it('prints and writes no token anywhere but token’s stdout', async () => {
    await expectNoLeaks(emulator, {
      run: async (args) => {
        const started = runHflogin(args, { ...isolated.env, XDG_CACHE_HOME: cache });
        if (args[0] === 'login') await fetch(await browseToCallback(await started.signInUrl));
        return { code: await started.exit, stdout: started.stdout(), stderr: started.stderr() };
      },
      expireTokens: async () => {
        const store = await storeFor('keychain', isolated.configDir);
        const session = parseSession((await store.load(isolated.profile))!);
        const past = new Date(Date.now() - 1000).toISOString();
        session.accessTokenExpiresAt = past;
        for (const token of Object.values(session.audiences ?? {})) token.expiresAt = past;
        await store.save(isolated.profile, serializeSession(session));
      },
      dirs: [isolated.configDir, cache],
    });
  });
});
