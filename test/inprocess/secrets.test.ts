import { describe, expect, it } from 'vitest';

import { serializeSession } from '../../src/session/session.js';
import { expectRefused } from '../helpers/hostile.js';
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

  /**
   * A proxy variable may carry a password (`http://user:password@proxy:3128`), and one that does not
   * parse may hold it anywhere. Requests to a tenant that is not on the loopback go through it; the
   * failure (with --debug, its cause) must not print it.
   */
  it.each([
    'http://user:s3cr3t-pw@127.0.0.1:9',
    'http://s3cr3t-pw@127.0.0.1:9',
    'user:s3cr3t-pw@proxy:3128',
    'http://user:s3cr3t pw@pro xy:3128',
    'http://user:s3cr3t@pw@[::1',
    'socks5://user:s3cr3t-pw@127.0.0.1:1080',
    's3cr3t-pw',
  ])('prints no password from the proxy variable %j, with --debug or without', async (proxy) => {
    const proxied = fakeHost({
      HTTPS_PROXY: proxy,
      HFLOGIN_ENDPOINT: 'https://tenant.example.com',
      HFLOGIN_APP_ID: 'hflogin-native-app',
      HFLOGIN_STORAGE: 'file',
    });
    let printed = '';
    const commands = [
      ['login', '--debug', '--timeout', '1'],
      ['login', '--timeout', '1'],
      ['doctor', '--debug'],
      ['doctor', '--json'],
    ];
    for (const args of commands) {
      const started = hflogin(proxied, args);
      await started.exit;
      printed += started.stdout() + started.stderr();
    }
    expect(printed).toContain('Error:');
    expectRefused(`proxy password printed from HTTPS_PROXY=${proxy}`, !printed.includes('s3cr3t'));
  });
});
