import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { browseToCallback } from '../helpers/httpUserAgent.js';
import { fakeHost, hflogin, type FakeHost, type RunOptions } from '../helpers/inProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * `hflogin login`, `whoami`, `logout` in-process: the fake browser signs in over HTTP and the fake
 * keychain holds the session. What needs Chromium's pages or a real Ctrl+C is in test/e2e/login.test.ts.
 */
describe('login, whoami, logout', () => {
  const emulator = useEmulator();
  let host: FakeHost;
  beforeEach(() => {
    host = fakeHost();
  });
  afterEach(() => {
    emulator.setFault(null);
  });

  const login = (args: string[] = [], options?: RunOptions) =>
    hflogin(host, loginArgs(emulator, ...args), options);
  const keychainSession = () => host.session('keychain');

  it('whoami (human and --json) then logout, after which the old refresh token is dead at the provider', async () => {
    expect(await login().exit).toBe(0);
    const { refreshToken } = (await keychainSession())!;

    const human = hflogin(host, ['whoami']);
    expect(await human.exit).toBe(0);
    expect(human.stdout()).toBe(
      `Signed in to ${new URL(emulator.endpoint).host} as Alice Ng — Hugging Face: alice-hf\n`,
    );

    const json = hflogin(host, ['whoami', '--json']);
    expect(await json.exit).toBe(0);
    const parsed = JSON.parse(json.stdout()) as Record<string, unknown>;
    expect(parsed).toEqual({
      schemaVersion: 1,
      profile: host.profile,
      endpoint: emulator.endpoint,
      user: {
        id: 'u1alice00001',
        username: null,
        name: 'Alice Ng',
        email: 'alice@example.com',
        picture: 'https://cdn-avatars.huggingface.co/alice.png',
      },
      huggingface: {
        id: '65a1f0c2e4b0a1b2c3d4e5f6',
        username: 'alice-hf',
        name: 'Alice Ng',
        email: 'alice@example.com',
        avatarUrl: 'https://cdn-avatars.huggingface.co/alice.png',
      },
      session: {
        accessTokenExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        scopes: ['openid', 'offline_access', 'profile', 'email', 'identities'],
        storage: 'keychain',
      },
    });

    const logout = hflogin(host, ['logout']);
    expect(await logout.exit).toBe(0);
    expect(logout.stderr()).toContain('the session was revoked and removed from this machine');
    expect(await keychainSession()).toBeNull();

    const client = await TestClient.discover(emulator);
    const refresh = await client.refreshRaw(refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });

    const after = hflogin(host, ['whoami']);
    expect(await after.exit).toBe(4);
    expect(after.stderr()).toContain('Not signed in');
    expect(after.stderr()).toContain('hflogin login');
  });

  it('times out with exit 124', async () => {
    const run = login(['--timeout', '1'], { browser: 'stay' });
    expect(await run.exit).toBe(124);
    expect(run.stderr()).toContain('Timed out after 1 s');
  });

  it('ignores a forged callback with the wrong state, then completes the genuine one', async () => {
    const run = login([], { browser: 'stay' });
    const url = await run.signInUrl;
    const redirectUri = url.searchParams.get('redirect_uri')!;
    const forged = await fetch(
      `${redirectUri}?code=attacker-code&state=forged&iss=${encodeURIComponent(emulator.issuer)}`,
    );
    expect(forged.status).toBe(400);
    expect(await keychainSession()).toBeNull();
    // The person signs in at Hugging Face.
    await fetch(await browseToCallback(url));
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Ignored a callback that does not belong to this sign-in');
    expect((await keychainSession())?.user.id).toBe('u1alice00001');
  });

  it('exits 2 naming the port when --port is busy', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = login(['--port', String(port)]);
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      busy.close();
    }
  });

  it('refuses an ID token with a tampered signature and stores nothing', async () => {
    emulator.setFault('id_token_bad_signature');
    const run = login();
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/failed verification/);
    expect(await keychainSession()).toBeNull();
    expect(existsSync(host.configDir)).toBe(false);
  });

  it('keeps the session in a 0600 file (directory 0700) with --storage file', async () => {
    expect(await login(['--storage', 'file']).exit).toBe(0);
    const path = new FileStore(host.configDir).pathFor(host.profile);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(host.configDir, 'sessions')).mode & 0o777).toBe(0o700);
    expect(parseSession(readFileSync(path, 'utf8')).huggingface?.username).toBe('alice-hf');
    expect(await keychainSession()).toBeNull();
    // Later commands find it through the profile, without flags.
    const whoami = hflogin(host, ['whoami', '--json']);
    expect(await whoami.exit).toBe(0);
    expect(JSON.parse(whoami.stdout()).session.storage).toBe('file');
    expect(readdirSync(join(host.configDir, 'sessions'))).toEqual([`${host.profile}.json`]);
  });

  it('whoami refreshes an expired access token first, saving the rotated refresh token', async () => {
    expect(await login().exit).toBe(0);
    const before = (await keychainSession())!;
    // Within the refresh margin: an hour-long access token with 30 s left is refreshed first.
    const store = await host.store('keychain');
    await store.save(
      host.profile,
      JSON.stringify({
        ...before,
        accessTokenExpiresAt: new Date(Date.now() + 30_000).toISOString(),
        accessTokenIssuedAt: new Date(Date.now() + 30_000 - 3_600_000).toISOString(),
      }),
    );
    const refreshes = emulator.stats.tokenRequests.refresh_token ?? 0;

    const whoami = hflogin(host, ['whoami']);
    expect(await whoami.exit).toBe(0);
    expect(emulator.stats.tokenRequests.refresh_token).toBe(refreshes + 1);
    const after = (await keychainSession())!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 30 * 60_000);
  });
});
