import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** What @napi-rs/keyring's loader throws where libsecret is missing. */
const addonFailure = new Error('libsecret-1.so.0: cannot open shared object file');
const addonProblem =
  "The OS keychain cannot be used: hflogin's keychain module could not be loaded (libsecret-1.so.0: cannot open shared object file).";
const keychainHint =
  'Hint: Reinstall hflogin, or keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on).';
const lockedHint =
  'Hint: Unlock the keyring first (gnome-keyring-daemon --unlock, or Passwords and Keys on the desktop), or keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on).';

/** Storage that cannot be used: exit 6, naming it and the way out, and nothing else lost. */
describe('storage that cannot be used', () => {
  const emulator = useEmulator();

  it('login --storage file exits 6 before any browser opens when the session directory cannot be made', async () => {
    const host = fakeHost();
    mkdirSync(host.configDir, { recursive: true });
    writeFileSync(join(host.configDir, 'sessions'), 'a file where the directory should be');
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'));
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toMatch(/^Error: The session file directory cannot be used: /m);
    expect(run.browser.opened).toEqual([]);
  });

  it('a config directory under a file is a clear usage error (exit 2), never an unexpected failure', async () => {
    const host = fakeHost();
    mkdirSync(host.root, { recursive: true });
    const file = join(host.root, 'not-a-directory');
    writeFileSync(file, 'a file where the config directory should be');
    const configDir = join(file, 'hflogin');
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), {
      env: { HFLOGIN_CONFIG_DIR: configDir },
    });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`Error: The config directory ${configDir} cannot be used (ENOTDIR).`);
    expect(run.stderr()).toContain('Hint: HFLOGIN_CONFIG_DIR (or XDG_CONFIG_HOME) must name a directory');
    expect(run.browser.opened).toEqual([]);
  });

  it('whoami exits 6 when the session file cannot be read', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    const path = join(host.configDir, 'sessions', `${host.profile}.json`);
    rmSync(path);
    mkdirSync(path);
    const run = hflogin(host, ['whoami']);
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toBe(
      'Error: The session file cannot be used: EISDIR: illegal operation on a directory, read\nHint: Check the permissions of the config directory (HFLOGIN_CONFIG_DIR).\n',
    );
  });

  it('status says storage-unavailable when the keychain cannot be loaded, and exits 6 for the active profile', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'keychain');
    const json = hflogin(host, ['status', '--json'], { keychainAddonFails: addonFailure });
    expect(await json.exit).toBe(6);
    expect(JSON.parse(json.stdout()).profiles).toEqual([
      {
        name: host.profile,
        active: true,
        endpoint: emulator.endpoint,
        appId: emulator.appId,
        user: null,
        huggingface: null,
        state: 'storage-unavailable',
        accessTokenExpiresAt: null,
        storage: 'keychain',
        problem: addonProblem,
      },
    ]);
    const human = hflogin(host, ['status'], { keychainAddonFails: addonFailure });
    expect(await human.exit).toBe(6);
    const [header, row, problem, ...rest] = human.stdout().split('\n');
    expect(header).toMatch(/^ {3}PROFILE +TENANT +USER +STATE +ACCESS TOKEN +STORAGE$/);
    expect(row).toMatch(
      new RegExp(
        `^\\* {2}${host.profile} {2,}${new URL(emulator.endpoint).host} {2}— {5}storage-unavailable {2}— {13}keychain$`,
      ),
    );
    // The problem on the line under its profile.
    expect(problem).toBe(`   ${addonProblem}`);
    expect(rest).toEqual(['']);
    expect(human.stderr()).toContain(keychainHint);
  });

  it('logout --all signs out every profile it can, and exits 6 naming the one whose keychain is locked', async () => {
    const host = fakeHost({}, { profile: 'a-locked' });
    await host.seed(emulator, 'keychain');
    await host.seed(emulator, 'file', undefined, 'b-other');
    host.keyring.failWith = new Error('Platform failure: the collection is locked');
    const run = hflogin(host, ['logout', '--all']);
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toBe(
      [
        'Profile "a-locked": The OS keychain cannot be used: the keyring is locked.',
        `Signed out of ${new URL(emulator.endpoint).host} (profile "b-other"): the session was revoked and removed from this machine.`,
        'Error: The OS keychain cannot be used: the keyring is locked.',
        lockedHint,
        '',
      ].join('\n'),
    );
    // The locked profile's session is still there once the keychain opens.
    host.keyring.failWith = undefined;
    expect((await host.session('keychain'))?.huggingface?.username).toBe('alice-hf');
  });
});
