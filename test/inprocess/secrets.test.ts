import { describe, it } from 'vitest';

import { serializeSession } from '../../src/session/session.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { expectNoLeaks } from '../helpers/leakSearch.js';
import { useEmulator } from '../helpers/useEmulator.js';

/**
 * Every token the emulator issued is looked for in everything hflogin printed (with and without
 * --debug) and every file it wrote under the host: only `hflogin token`'s stdout may carry one.
 * (test/e2e/secrets.test.ts does the same with the binary and the real gnome-keyring.)
 */
describe('secrets never leak', () => {
  const emulator = useEmulator();
  const host = fakeHost();

  it('prints and writes no token anywhere but token’s stdout', async () => {
    await expectNoLeaks(emulator, {
      // login: the fake browser signs in at Hugging Face.
      run: async (args) => {
        const started = hflogin(host, args);
        return { code: await started.exit, stdout: started.stdout(), stderr: started.stderr() };
      },
      /** Every stored token expired, so the next command refreshes (rotating the refresh token). */
      expireTokens: async () => {
        const session = (await host.session('keychain'))!;
        const past = new Date(Date.now() - 1000).toISOString();
        session.accessTokenExpiresAt = past;
        for (const token of Object.values(session.audiences ?? {})) token.expiresAt = past;
        await (await host.store('keychain')).save(host.profile, serializeSession(session));
      },
      // Everything written under the host's directory (its config directory among it).
      dirs: [host.root],
    });
  });
});
