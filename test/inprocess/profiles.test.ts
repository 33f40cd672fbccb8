import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import type { StoredSession } from '../../src/session/session.js';
import { expectRefused } from '../helpers/hostile.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { useEmulator } from '../helpers/useEmulator.js';

/** Profiles, status and config, on file storage (the keychain path is the same code behind SecretStore). */
describe('profiles, status, config and logout --all', () => {
  const emulator = useEmulator();
  let host: FakeHost;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    hflogin(host, args, { env: { HFLOGIN_PROFILE: '', ...env } });
  const seed = (profile: string, user = 'alice-hf') => host.seed(emulator, 'file', { user }, profile);

  beforeEach(() => {
    host = fakeHost();
  });

  it('status lists every profile with its state and exits by the active one', async () => {
    await seed('default');
    const work = await seed('work', 'bob-hf');
    const store = await host.store('file');
    await store.save(
      'work',
      JSON.stringify({ ...work, accessTokenExpiresAt: new Date(0).toISOString() } satisfies StoredSession),
    );
    await store.save(
      'old',
      JSON.stringify({ ...work, accessTokenExpiresAt: new Date(0).toISOString(), refreshToken: undefined }),
    );
    const configure = run(['config', 'set', 'endpoint', 'https://other.logto.app'], {
      HFLOGIN_PROFILE: 'empty',
    });
    expect(await configure.exit).toBe(0);

    const status = run(['status', '--json']);
    expect(await status.exit).toBe(0);
    const parsed = JSON.parse(status.stdout()) as {
      activeProfile: string;
      profiles: Array<Record<string, unknown>>;
    };
    expect(parsed.activeProfile).toBe('default');
    const byName = Object.fromEntries(parsed.profiles.map((profile) => [profile.name, profile]));
    expect(Object.keys(byName).sort()).toEqual(['default', 'empty', 'work']);
    expect(byName.default).toMatchObject({
      active: true,
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      state: 'valid',
      storage: 'file',
      // The same objects as whoami --json's.
      huggingface: {
        id: expect.any(String),
        username: 'alice-hf',
        name: expect.any(String),
        email: expect.any(String),
        avatarUrl: expect.any(String),
      },
      user: {
        id: 'u1alice00001',
        name: 'Alice Ng',
        username: null,
        email: 'alice@example.com',
        picture: 'https://cdn-avatars.huggingface.co/alice.png',
      },
    });
    expect(byName.work).toMatchObject({
      active: false,
      state: 'expired-refreshable',
      huggingface: expect.objectContaining({ username: 'bob-hf' }),
    });
    expect(byName.empty).toMatchObject({
      state: 'signed-out',
      endpoint: 'https://other.logto.app',
      user: null,
    });

    // A profile's session without a refresh token and expired needs a login; as the active one: exit 4.
    const old = run(['status'], { HFLOGIN_PROFILE: 'old', HFLOGIN_STORAGE: 'file' });
    expect(await old.exit).toBe(4);
    expect(old.stdout()).toMatch(/^\* {2}old .* needs-login {2,}expired \d+ d ago/m);
    expect(old.stderr()).toContain('has expired and holds no refresh token');

    const human = run(['status', '--profile', 'work']);
    expect(await human.exit).toBe(0);
    // A table: a header, one row per profile, columns aligned; times relative to now.
    const lines = human.stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {3}PROFILE {2}TENANT +USER +STATE +ACCESS TOKEN +STORAGE$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\* {2}work {5}127\.0\.0\.1:\d+ {2}Bob Martin \(bob-hf\) {2}expired-refreshable {2}expired \d+ d ago {2}file$/,
      ),
    );
    // The seeded access token lives an hour (the emulator's TTL), and was issued a moment ago.
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {3}default {2}.* {2}valid {2,}valid for 60 min {2,}file$/),
    );
    for (const column of ['TENANT', 'USER', 'STATE', 'ACCESS TOKEN', 'STORAGE']) {
      const at = lines[0]!.indexOf(column);
      for (const line of lines.slice(1)) expect(line[at - 1], `${column} in "${line}"`).toBe(' ');
      for (const line of lines.slice(1)) expect(line[at], `${column} in "${line}"`).not.toBe(' ');
    }
  });

  it('status of a profile that was never signed in exits 4', async () => {
    const status = run(['status', '--json']);
    expect(await status.exit).toBe(4);
    expect(JSON.parse(status.stdout()).profiles).toEqual([
      expect.objectContaining({ name: 'default', state: 'signed-out' }),
    ]);
  });

  it('config get|set|unset|list, with validation, and no secret ever in the file', async () => {
    expect(await run(['config', 'set', 'endpoint', 'https://tenant.logto.app/oidc/']).exit).toBe(0);
    expect(await run(['config', 'set', 'app-id', 'abc123']).exit).toBe(0);
    expect(await run(['config', 'set', 'storage', 'file']).exit).toBe(0);
    const get = run(['config', 'get', 'endpoint']);
    expect(await get.exit).toBe(0);
    expect(get.stdout()).toBe('https://tenant.logto.app\n');
    const list = run(['config', 'list']);
    expect(await list.exit).toBe(0);
    expect(list.stdout()).toBe('endpoint=https://tenant.logto.app\napp-id=abc123\nstorage=file\n');

    expect(await run(['config', 'unset', 'app-id']).exit).toBe(0);
    const missing = run(['config', 'get', 'app-id']);
    expect(await missing.exit).toBe(1);
    expect(missing.stderr()).toContain('"app-id" is not set for profile "default"');

    const badKey = run(['config', 'set', 'password', 'x']);
    expect(await badKey.exit).toBe(2);
    expect(badKey.stderr()).toContain('Unknown setting "password"');
    const badValue = run(['config', 'set', 'endpoint', 'http://tenant.logto.app']);
    expect(await badValue.exit).toBe(2);

    // Profiles are separate; --profile beats HFLOGIN_PROFILE.
    expect(
      await run(['config', 'set', 'app-id', 'work-app', '--profile', 'work'], { HFLOGIN_PROFILE: 'other' })
        .exit,
    ).toBe(0);
    const json = run(['config', 'list', '--json']);
    expect(await json.exit).toBe(0);
    expect(JSON.parse(json.stdout()).profiles).toEqual({
      default: { endpoint: 'https://tenant.logto.app', storage: 'file' },
      // The CLI's key names, as config set takes them.
      work: { 'app-id': 'work-app' },
    });
  });

  it('config set checks each setting: the device-flow app, the connector (or none), never an empty app ID', async () => {
    expect(await run(['config', 'set', 'device-app-id', 'dev-app']).exit).toBe(0);
    expect(await run(['config', 'set', 'connector', 'none']).exit).toBe(0);
    const list = run(['config', 'list']);
    expect(await list.exit).toBe(0);
    expect(list.stdout()).toBe('device-app-id=dev-app\nconnector=none\n');

    const connector = run(['config', 'set', 'connector', 'hugging face']);
    expect(await connector.exit).toBe(2);
    expect(connector.stderr()).toBe(
      'Error: "hugging face" is not a connector target.\nHint: Use e.g. huggingface, or none for Logto\'s own page.\n',
    );
    const empty = run(['config', 'set', 'app-id', ' ']);
    expect(await empty.exit).toBe(2);
    expect(empty.stderr()).toBe(
      'Error: app-id cannot be empty.\nHint: To remove it, run hflogin config unset app-id.\n',
    );
    const unknown = run(['config', 'unset', 'nope']);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toContain(
      'Hint: Settings: endpoint, app-id, device-app-id, connector, storage.',
    );
  });

  // The file store names a file after the profile, and profiles move between machines: a Windows
  // device name (with or without an extension) or a name Windows would strip of its trailing dot is
  // refused on every platform, from --profile and from HFLOGIN_PROFILE alike.
  const reservedNames = [
    ...['CON', 'prn', 'Aux', 'nul', 'con.txt', 'NUL.json', 'aux.tar.gz'],
    ...Array.from({ length: 10 }, (_, digit) => `COM${digit}`),
    ...Array.from({ length: 10 }, (_, digit) => `lpt${digit}`),
    ...['com1.profile', 'LPT9.x', 'work.', 'work..', 'COM¹', 'LPT³', 'work ', 'con '],
  ];
  it.each(reservedNames)('refuses %j as a profile name (exit 2, a hint), writing nothing', async (name) => {
    const byFlag = run(['config', 'set', 'app-id', 'abc', '--profile', name]);
    const byEnv = run(['config', 'set', 'app-id', 'abc'], { HFLOGIN_PROFILE: name });
    const codes = [await byFlag.exit, await byEnv.exit];
    expectRefused(
      `profile name ${JSON.stringify(name)}`,
      codes.every((code) => code === 2),
    );
    expect(byFlag.stderr()).toContain('is not a valid profile name');
    expect(byFlag.stderr()).toMatch(/^Hint: /m);
    expect(existsSync(join(host.configDir, 'config.json'))).toBe(false);
  });

  it('still takes names that only look like device names', async () => {
    for (const name of ['console', 'nul1', 'com10', 'lpt', 'auxiliary', 'xcon', 'con-work', 'com_1', 'a.b']) {
      expect(await run(['config', 'set', 'app-id', 'abc', '--profile', name]).exit).toBe(0);
    }
  });

  it('resolves the tenant flag > environment > profile', async () => {
    expect(await run(['config', 'set', 'endpoint', 'https://profile.example']).exit).toBe(0);
    expect(await run(['config', 'set', 'app-id', 'profile-app']).exit).toBe(0);
    // login fails at discovery (nothing listens there), but its error names the endpoint it used.
    const fromProfile = run(['login', '--storage', 'file', '--timeout', '1'], { HFLOGIN_ENDPOINT: '' });
    expect(await fromProfile.exit).toBe(5);
    expect(fromProfile.stderr()).toContain('profile.example');
    const fromEnv = run(['login', '--storage', 'file'], { HFLOGIN_ENDPOINT: 'http://127.0.0.1:9' });
    expect(await fromEnv.exit).toBe(5);
    expect(fromEnv.stderr()).toContain('127.0.0.1:9');
    const fromFlag = run(['login', '--storage', 'file', '--endpoint', 'http://localhost:9'], {
      HFLOGIN_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(await fromFlag.exit).toBe(5);
    expect(fromFlag.stderr()).toContain('localhost:9');
  });

  it('logout --all revokes and removes every profile’s session', async () => {
    const first = await seed('default');
    const second = await seed('work', 'bob-hf');
    const logout = run(['logout', '--all']);
    expect(await logout.exit).toBe(0);
    expect(logout.stderr()).toContain('profile "default"');
    expect(logout.stderr()).toContain('profile "work"');
    const store = await host.store('file');
    expect(await store.load('default')).toBeNull();
    expect(await store.load('work')).toBeNull();
    const client = await TestClient.discover(emulator);
    for (const session of [first, second]) {
      expect((await client.refreshRaw(session.refreshToken!)).status).toBe(400);
    }
    // Profiles (tenant settings) stay for the next login.
    expect(JSON.parse(readFileSync(join(host.configDir, 'config.json'), 'utf8')).profiles.work.appId).toBe(
      emulator.appId,
    );
  });
});
