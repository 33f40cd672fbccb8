import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StoredSession } from '../../src/session/session.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A profile whose (file-stored) session points at `endpoint`. */
function seedSession(endpoint: string) {
  const isolated = isolatedProfile();
  mkdirSync(join(isolated.configDir, 'sessions'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(isolated.configDir, 'config.json'),
    JSON.stringify({
      schemaVersion: 1,
      profiles: { [isolated.profile]: { endpoint, appId: 'hflogin-native-app', storage: 'file' } },
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
  writeFileSync(new FileStore(isolated.configDir).pathFor(isolated.profile), JSON.stringify(session), {
    mode: 0o600,
  });
  return isolated;
}

describe('failures that must be clear and lose nothing', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it('exits 6 before any browser opens when no keychain is reachable, writing nothing', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId], {
      ...isolated.env,
      // A session bus that does not exist: the Secret Service cannot be reached.
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/hflogin-test-bus',
    });
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toMatch(/Error: The OS keychain cannot be used: .+/);
    expect(run.stderr()).toContain('--storage file');
    expect(run.stderr()).not.toContain('/oidc/auth');
    expect(existsSync(isolated.browserLog)).toBe(false);
    expect(existsSync(isolated.configDir)).toBe(false);
  });

  it('exits 2 naming the flags when no tenant is configured', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(['login'], { ...isolated.env, HFLOGIN_ENDPOINT: '', HFLOGIN_APP_ID: '' });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('--endpoint (or HFLOGIN_ENDPOINT)');
    expect(run.stderr()).toContain('--app-id (or HFLOGIN_APP_ID)');
  });

  it('exits 2 for an http:// endpoint that is not loopback', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(
      ['login', '--endpoint', 'http://tenant.example.com', '--app-id', 'x'],
      isolated.env,
    );
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('Refusing http://tenant.example.com');
  });

  it('exits 2 for an invalid Logto parameter instead of letting Logto drop them all', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(
      ['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId, '--connector', 'hugging face'],
      isolated.env,
    );
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('is not a connector target');
  });

  it('whoami exits 5 when the provider is unreachable, and leaves the session alone', async () => {
    const isolated = seedSession(`http://127.0.0.1:${await deadPort()}`);
    const path = new FileStore(isolated.configDir).pathFor(isolated.profile);
    const run = runHflogin(['whoami'], isolated.env);
    expect(await run.exit).toBe(5);
    expect(run.stderr()).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(existsSync(path)).toBe(true);
  });

  it('logout still removes the local session when the provider is unreachable, and says so', async () => {
    const isolated = seedSession(`http://127.0.0.1:${await deadPort()}`);
    const path = new FileStore(isolated.configDir).pathFor(isolated.profile);
    const run = runHflogin(['logout'], isolated.env);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('could not revoke it');
    expect(run.stderr()).toContain('the grant may still be live');
    expect(existsSync(path)).toBe(false);
    // Tokens never reach the output.
    expect(run.stderr()).not.toContain('opaque-refresh-token-for-tests');
  });

  it('whoami exits 4 when the session can no longer be refreshed, keeping the profile', async () => {
    const isolated = seedSession(emulator.endpoint);
    const store = new FileStore(isolated.configDir);
    const expired = JSON.parse((await store.load(isolated.profile))!) as StoredSession;
    await store.save(
      isolated.profile,
      JSON.stringify({ ...expired, accessTokenExpiresAt: new Date(0).toISOString() }),
    );
    const run = runHflogin(['whoami'], isolated.env);
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('can no longer be refreshed');
    expect(run.stderr()).toContain('hflogin login');
    expect(await store.load(isolated.profile)).not.toBeNull();
  });

  it('asks Logto for the person’s language from the locale (th_TH.UTF-8 → ui_locales=th)', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(
      ['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId, '--storage', 'file'],
      {
        ...isolated.env,
        LC_ALL: '',
        LANG: 'th_TH.UTF-8',
      },
    );
    expect((await run.signInUrl).searchParams.get('ui_locales')).toBe('th');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
  });

  it('goes on waiting, with the URL printed, when $BROWSER cannot be started', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(
      ['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId, '--storage', 'file'],
      {
        ...isolated.env,
        BROWSER: '/nonexistent/browser',
      },
    );
    await run.signInUrl;
    await expect.poll(() => run.stderr()).toContain('Waiting for the sign-in to finish');
    expect(run.stderr()).toContain('Could not open a browser');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
  });

  it('without a terminal never prompts: it says why no browser opened and what to do, then waits', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(
      [
        'login',
        '--endpoint',
        emulator.endpoint,
        '--app-id',
        emulator.appId,
        '--device-app-id',
        emulator.deviceAppId,
        '--storage',
        'file',
      ],
      {
        ...isolated.env,
        BROWSER: '',
        DISPLAY: '',
        WAYLAND_DISPLAY: '',
        SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22',
      },
    );
    const port = new URL((await run.signInUrl).searchParams.get('redirect_uri')!).port;
    await expect.poll(() => run.stderr()).toContain('Waiting for the sign-in to finish');
    expect(run.stderr()).toContain('Not opening a browser: this is an SSH session');
    expect(run.stderr()).toContain(`ssh -L ${port}:127.0.0.1:${port}`);
    expect(run.stderr()).toContain('hflogin login --device');
    expect(run.stderr()).not.toContain('Paste the address');
    expect(run.stderr()).not.toContain('Press p');
    expect(existsSync(isolated.browserLog)).toBe(false);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
  });
});
