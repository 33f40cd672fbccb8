import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { sessionFilePath } from '../../src/storage/fileStore.js';
import { fakeHost, hflogin, type FakeHost, type InProcessRun } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * What @napi-rs/keyring throws where no session bus exists (SSH, containers): keyring-rs's wrapper
 * around the D-Bus client's around libdbus's text, each the next one's cause. The real one is in
 * test/e2e/headlessFirstRun.test.ts.
 */
function absentSecretService(): Error {
  const socket = new Error('Failed to connect to socket /run/user/1000/bus: No such file or directory');
  const dbus = new Error(`DBus error: ${socket.message}`, { cause: socket });
  return new Error(`Platform failure: ${dbus.message}`, { cause: dbus });
}

const reason =
  'The OS keychain cannot be used: there is no D-Bus session here (usual over SSH and in containers), so no Secret Service such as gnome-keyring can be reached.';
const hint =
  'Hint: Start a Secret Service (e.g. gnome-keyring) in a D-Bus session, or sign in from a desktop session, or keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on).';
const question = (host: FakeHost) => `Keep the session of profile "${host.profile}" in that file? (y/N)`;

/** A host with nothing configured, on which the keychain fails as where no Secret Service runs. */
function headlessHost(): FakeHost {
  const host = fakeHost({ HFLOGIN_ENDPOINT: '', HFLOGIN_APP_ID: '' });
  host.keyring.failWith = absentSecretService();
  return host;
}

const configOf = (host: FakeHost) =>
  JSON.parse(readFileSync(join(host.configDir, 'config.json'), 'utf8')) as {
    profiles: Record<string, unknown>;
  };

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Waits until the run has written `pattern` to the terminal (after the first `from` characters);
 * resolves with where the match ends (what follows may already be there).
 */
async function shows(run: InProcessRun, pattern: RegExp | string, from = 0): Promise<number> {
  const regexp = typeof pattern === 'string' ? new RegExp(escaped(pattern)) : pattern;
  await expect.poll(() => run.stderr().slice(from), { timeout: 10_000 }).toMatch(regexp);
  const match = regexp.exec(run.stderr().slice(from))!;
  return from + match.index + match[0].length;
}

/** No raw library text: what the person reads is what happened. */
function expectNoLibraryText(text: string) {
  expect(text).not.toMatch(/Platform failure|DBus error|Failed to connect to socket|\/run\/user\/1000\/bus/);
}

describe('a first login where the keychain cannot be used', () => {
  const emulator = useEmulator();

  it('says why and offers the 0600 file before any setup question; no is exit 6 with the ways out, nothing saved', async () => {
    const host = headlessHost();
    const run = hflogin(host, ['login'], { terminal: true });
    await shows(run, question(host));
    // The offer, and nothing before it: no tenant question was asked, nothing was written.
    expect(run.stderr()).toMatch(
      new RegExp(
        `^${escaped(
          [
            reason,
            `hflogin can keep this profile's session in a file instead: ${sessionFilePath(host.configDir, host.profile)}`,
            'Only you can read it (mode 0600), but it is not encrypted: root, and anything running as you, can read it too.',
            '',
          ].join('\n'),
        )}\\S* ?${escaped(question(host))}`,
      ),
    );
    expect(run.stderr()).not.toContain('No tenant is configured');
    expect(existsSync(host.configDir)).toBe(false);

    run.type('n\r');
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toMatch(new RegExp(`${escaped(`Error: ${reason}\n${hint}\n`)}$`));
    expect(run.stderr()).not.toContain('No tenant is configured');
    expectNoLibraryText(run.stderr());
    expect(run.browser.opened).toEqual([]);
    expect(existsSync(host.configDir)).toBe(false);
  });

  it('takes Enter as no (the default): exit 6, nothing saved', async () => {
    const host = headlessHost();
    const run = hflogin(host, ['login'], { terminal: true });
    await shows(run, question(host));
    run.type('\r');
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toContain(`Error: ${reason}\n${hint}\n`);
    expect(existsSync(host.configDir)).toBe(false);
  });

  it('yes: the setup follows, the session is kept in a 0600 file, the profile says storage file, and later commands find it', async () => {
    const host = headlessHost();
    const run = hflogin(host, ['login'], { terminal: true });
    let seen = await shows(run, question(host));
    run.type('y\r');
    seen = await shows(run, `Profile "${host.profile}" keeps its session in that file from now on`, seen);
    // Only now the tenant setup.
    seen = await shows(run, /No tenant is configured for profile ".*"\. Set it up now\? \(Y\/n\)/, seen);
    run.type('\r');
    seen = await shows(run, /Logto endpoint/, seen);
    run.type(`${emulator.endpoint}\r`);
    seen = await shows(run, /App ID of the Logto Native app/, seen);
    run.type(`${emulator.appId}\r`);
    seen = await shows(run, /device-flow app \(optional/, seen);
    run.type('\r');
    await shows(run, /Social connector to go straight to/, seen);
    run.type('\r');

    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
    expectNoLibraryText(run.stderr());
    const path = sessionFilePath(host.configDir, host.profile);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await host.session('file'))?.huggingface?.username).toBe('alice-hf');
    expect(host.keyring.entries.size).toBe(0);
    expect(configOf(host).profiles[host.profile]).toEqual({
      storage: 'file',
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      connector: 'huggingface',
    });

    // A later command, without a terminal and with the keychain still unusable, reads the file.
    const whoami = hflogin(host, ['whoami', '--json']);
    expect(await whoami.exit).toBe(0);
    expect(JSON.parse(whoami.stdout())).toMatchObject({
      profile: host.profile,
      huggingface: { username: 'alice-hf' },
      session: { storage: 'file' },
    });
    expect(whoami.stderr()).toBe('');
  });

  it('without a terminal: exit 6 with the reason in words and the hint, no question, nothing saved', async () => {
    const host = headlessHost();
    const run = hflogin(host, loginArgs(emulator));
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toBe(`Error: ${reason}\n${hint}\n`);
    expect(run.browser.opened).toEqual([]);
    expect(existsSync(host.configDir)).toBe(false);
  });

  it('with --json at a terminal: no question, one error event in words', async () => {
    const host = headlessHost();
    const run = hflogin(host, loginArgs(emulator, '--json'), { terminal: true });
    expect(await run.exit).toBe(6);
    expect(
      run
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      {
        schemaVersion: 1,
        event: 'error',
        code: 'storage_unavailable',
        message: reason,
        hint: hint.replace(/^Hint: /, ''),
        exitCode: 6,
      },
    ]);
    expect(run.stderr()).not.toContain('(y/N)');
    expect(existsSync(host.configDir)).toBe(false);
  });

  it('when this run names the keychain (--storage keychain, HFLOGIN_STORAGE), no file is offered', async () => {
    for (const [args, env] of [
      [loginArgs(emulator, '--storage', 'keychain'), {}],
      [loginArgs(emulator), { HFLOGIN_STORAGE: 'keychain' }],
    ] as const) {
      const host = headlessHost();
      const run = hflogin(host, [...args], { terminal: true, env });
      expect(await run.exit).toBe(6);
      expect(run.stderr()).toBe(`Error: ${reason}\n${hint}\n`);
    }
  });
});
