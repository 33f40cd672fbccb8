import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { StoredSession } from '../../src/session/session.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** A loopback endpoint nothing listens on (the discard port). */
const deadEndpoint = 'http://127.0.0.1:9';

/** A host whose profile's (file-stored) session points at `endpoint`. */
function hostWithSession(endpoint: string) {
  const host = fakeHost();
  mkdirSync(join(host.configDir, 'sessions'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(host.configDir, 'config.json'),
    JSON.stringify({
      schemaVersion: 1,
      profiles: { [host.profile]: { endpoint, appId: 'hflogin-native-app', storage: 'file' } },
    }),
  );
  const session: StoredSession = {
    schemaVersion: 1,
    endpoint,
    appId: 'hflogin-native-app',
    accessToken: 'opaque-access-token-for-tests',
    accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    refreshToken: 'opaque-refresh-token-for-tests',
    idToken: undefined,
    scopes: ['openid'],
    user: { id: 'u1alice00001', username: null, name: 'Alice Ng', email: null, picture: null },
    huggingface: null,
    savedAt: new Date().toISOString(),
  };
  writeFileSync(new FileStore(host.configDir).pathFor(host.profile), JSON.stringify(session), {
    mode: 0o600,
  });
  return host;
}

describe('failures that must be clear and lose nothing', () => {
  const emulator = useEmulator();

  it('exits 6 before any browser opens when no keychain is reachable, writing nothing', async () => {
    const host = fakeHost();
    // What @napi-rs/keyring throws when the session bus does not exist (test/e2e/keychain.test.ts
    // shows the real one does).
    host.keyring.failWith = new Error('Platform failure: failed to connect to the D-Bus session bus');
    const run = hflogin(host, loginArgs(emulator));
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toMatch(/Error: The OS keychain cannot be used: .+/);
    expect(run.stderr()).toContain('--storage file');
    expect(run.stderr()).not.toContain('/oidc/auth');
    expect(run.browser.opened).toEqual([]);
    expect(existsSync(host.configDir)).toBe(false);
  });

  it('exits 2 naming the flags when no tenant is configured', async () => {
    const run = hflogin(fakeHost(), ['login'], { env: { HFLOGIN_ENDPOINT: '', HFLOGIN_APP_ID: '' } });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('--endpoint (or HFLOGIN_ENDPOINT)');
    expect(run.stderr()).toContain('--app-id (or HFLOGIN_APP_ID)');
  });

  it('exits 2 for an http:// endpoint that is not loopback', async () => {
    const run = hflogin(fakeHost(), ['login', '--endpoint', 'http://tenant.example.com', '--app-id', 'x']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('Refusing http://tenant.example.com');
  });

  it('exits 2 for an invalid Logto parameter instead of letting Logto drop them all', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--connector', 'hugging face'));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('is not a connector target');
  });

  it('whoami exits 5 when the provider is unreachable, and leaves the session alone', async () => {
    const host = hostWithSession(deadEndpoint);
    const path = new FileStore(host.configDir).pathFor(host.profile);
    const run = hflogin(host, ['whoami']);
    expect(await run.exit).toBe(5);
    expect(run.stderr()).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(existsSync(path)).toBe(true);
  });

  it('logout still removes the local session when the provider is unreachable, and says so', async () => {
    const host = hostWithSession(deadEndpoint);
    const path = new FileStore(host.configDir).pathFor(host.profile);
    const run = hflogin(host, ['logout']);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('could not revoke it');
    expect(run.stderr()).toContain('the grant may still be live');
    expect(existsSync(path)).toBe(false);
    // Tokens never reach the output.
    expect(run.stderr()).not.toContain('opaque-refresh-token-for-tests');
  });

  it('whoami exits 4 when the session can no longer be refreshed, keeping the profile', async () => {
    const host = hostWithSession(emulator.endpoint);
    const store = new FileStore(host.configDir);
    const expired = JSON.parse((await store.load(host.profile))!) as StoredSession;
    await store.save(
      host.profile,
      JSON.stringify({ ...expired, accessTokenExpiresAt: new Date(0).toISOString() }),
    );
    const run = hflogin(host, ['whoami']);
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('can no longer be refreshed');
    expect(run.stderr()).toContain('hflogin login');
    expect(await store.load(host.profile)).not.toBeNull();
  });

  it('asks Logto for the person’s language from the locale (th_TH.UTF-8 → ui_locales=th)', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file'), {
      env: { LC_ALL: '', LANG: 'th_TH.UTF-8' },
      browser: 'stay',
    });
    expect((await run.signInUrl).searchParams.get('ui_locales')).toBe('th');
    run.interrupt();
    expect(await run.exit).toBe(130);
  });

  it('goes on waiting, with the URL printed, when $BROWSER cannot be started', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file'), {
      env: { BROWSER: '/nonexistent/browser' },
    });
    await run.signInUrl;
    await expect.poll(() => run.stderr()).toContain('Waiting for the sign-in to finish');
    expect(run.stderr()).toContain('Could not open a browser');
    run.interrupt();
    expect(await run.exit).toBe(130);
  });

  it('without a terminal never prompts: it says why no browser opened and what to do, then waits', async () => {
    const run = hflogin(
      fakeHost(),
      loginArgs(emulator, '--device-app-id', emulator.deviceAppId, '--storage', 'file'),
      {
        env: { BROWSER: '', DISPLAY: '', WAYLAND_DISPLAY: '', SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' },
      },
    );
    const port = new URL((await run.signInUrl).searchParams.get('redirect_uri')!).port;
    await expect.poll(() => run.stderr()).toContain('Waiting for the sign-in to finish');
    expect(run.stderr()).toContain('Not opening a browser: this is an SSH session');
    expect(run.stderr()).toContain(`ssh -L ${port}:127.0.0.1:${port}`);
    expect(run.stderr()).toContain('hflogin login --device');
    expect(run.stderr()).not.toContain('Paste the address');
    expect(run.stderr()).not.toContain('Press p');
    expect(run.browser.opened).toEqual([]);
    run.interrupt();
    expect(await run.exit).toBe(130);
  });
});
