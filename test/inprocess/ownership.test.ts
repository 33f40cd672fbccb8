import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { expectRefused } from '../helpers/hostile.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { requireSystemPiece } from '../helpers/systemPieces.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** Another local user, simulated by handing a directory to uid 65534 (nobody): needs root. */
const otherUser = 65534;
const asRoot = requireSystemPiece(
  'root (to chown a directory to another uid)',
  process.getuid?.() === 0 ? undefined : 'the tests run as a non-root user',
);

/**
 * Issue #14: another local user able to change hflogin's directories (a shared XDG_CONFIG_HOME, a
 * group-writable config dir, a parent without the sticky bit) could serve her session as yours or
 * point your next sign-in at her endpoint. Each such directory is refused (exit 2) before anything
 * in it is read, naming it and the fix; files there are never followed through links.
 */
describe('directories and files another user could change', () => {
  const emulator = useEmulator();

  it('refuses a group-writable config directory: exit 2, naming it and chmod go-w, no session served', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    chmodSync(host.configDir, 0o770);
    const run = hflogin(host, ['whoami']);
    const exit = await run.exit;
    expectRefused('config directory writable by its group', exit === 2 && run.stdout() === '');
    expect(run.stderr()).toContain(
      `Error: The config directory ${host.configDir} is writable by its group (mode 0770)`,
    );
    expect(run.stderr()).toContain(`Hint: Make it yours alone: chmod go-w ${host.configDir}`);
  });

  it('refuses a config directory under a parent others may write that is not sticky', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    chmodSync(host.root, 0o777);
    const run = hflogin(host, ['whoami', '--json']);
    const exit = await run.exit;
    // --json: stdout holds only the error (no session data), as one JSON document.
    const answer = JSON.parse(run.stdout()) as { error?: { code?: string } };
    expectRefused(
      'parent directory writable by everyone, not sticky',
      exit === 2 && answer.error?.code === 'unsafe_permissions' && !run.stdout().includes('alice'),
    );
    expect(run.stderr()).toContain(
      `Error: The directory ${host.root}, on the way to the config directory ${host.configDir}, is writable by everyone and not sticky (mode 0777)`,
    );
    expect(run.stderr()).toContain(`chmod go-w ${host.root}`);

    // A sticky one (like /tmp) is fine: others may add entries there, never swap ours.
    chmodSync(host.root, 0o1777);
    const sticky = hflogin(host, ['whoami']);
    expect(await sticky.exit).toBe(0);
    expect(sticky.stdout()).toContain('alice-hf');
  });

  it('refuses a config file that is a symbolic link (it could send the next login elsewhere)', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    const theirs = join(host.root, 'their-config.json');
    writeFileSync(
      theirs,
      JSON.stringify({
        schemaVersion: 1,
        profiles: { [host.profile]: { endpoint: 'https://evil.example' } },
      }),
    );
    const config = join(host.configDir, 'config.json');
    rmSync(config);
    symlinkSync(theirs, config);
    const run = hflogin(host, ['config', 'get', 'endpoint']);
    const exit = await run.exit;
    expectRefused('symbolic link at config.json', exit === 2 && !run.stdout().includes('evil.example'));
    expect(run.stderr()).toContain(`Error: The config file ${config} is a symbolic link`);
    expect(run.stderr()).toContain(`Hint: Remove the link (rm ${config})`);
  });

  it('refuses a session file that is a symbolic link, and a login replaces the link without writing through it', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    const path = join(host.configDir, 'sessions', `${host.profile}.json`);
    const theirs = join(host.root, 'their-session.json');
    writeFileSync(theirs, readFileSync(path), { mode: 0o600 });
    rmSync(path);
    symlinkSync(theirs, path);
    const whoami = hflogin(host, ['whoami']);
    const exit = await whoami.exit;
    expectRefused('symbolic link at the session file', exit === 2 && !whoami.stdout().includes('alice'));
    expect(whoami.stderr()).toContain(`Error: The session file ${path} is a symbolic link`);

    // A link planted at the session file's name pointing at the victim's ~/.bashrc: a login writes
    // its own file in the link's place and leaves the target alone.
    const bashrc = join(host.root, '.bashrc');
    writeFileSync(bashrc, 'export PS1="$ "\n');
    rmSync(path);
    symlinkSync(bashrc, path);
    const login = hflogin(host, loginArgs(emulator, '--storage', 'file'));
    await login.exit;
    expectRefused(
      'login through a symbolic link at the session file',
      readFileSync(bashrc, 'utf8') === 'export PS1="$ "\n',
    );
  });

  it('refuses a FIFO at the session file without hanging on it', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    const path = join(host.configDir, 'sessions', `${host.profile}.json`);
    rmSync(path);
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path]);
    const run = hflogin(host, ['whoami']);
    expectRefused('FIFO at the session file', (await run.exit) === 2);
    expect(run.stderr()).toContain(`Error: The session file ${path} is not a regular file`);
  });

  it('refuses a session file others may read (mode 0644)', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    const path = join(host.configDir, 'sessions', `${host.profile}.json`);
    chmodSync(path, 0o644);
    const run = hflogin(host, ['whoami']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`Error: The session file ${path} is readable by others (mode 0644).`);
    expect(run.stderr()).toContain(`Hint: Make it yours alone: chmod 600 ${path}`);
  });

  describe.skipIf(asRoot.skip)('another user (uid 65534, by chown)', () => {
    it('refuses a sessions directory that belongs to another user: her session is not served as yours', async () => {
      const host = fakeHost();
      await host.seed(emulator, 'file');
      const sessions = join(host.configDir, 'sessions');
      chownSync(sessions, otherUser, otherUser);
      const run = hflogin(host, ['whoami']);
      const exit = await run.exit;
      expectRefused('sessions directory owned by another user', exit === 2 && run.stdout() === '');
      expect(run.stderr()).toContain(
        `Error: The session directory ${sessions} belongs to uid ${otherUser}, not to you (uid 0)`,
      );
      expect(run.stderr()).toContain(`sudo chown 0 ${sessions}`);
    });

    it('refuses a session file that belongs to another user', async () => {
      const host = fakeHost();
      await host.seed(emulator, 'file');
      const path = join(host.configDir, 'sessions', `${host.profile}.json`);
      chownSync(path, otherUser, otherUser);
      const run = hflogin(host, ['whoami']);
      expectRefused('session file owned by another user', (await run.exit) === 2 && run.stdout() === '');
      expect(run.stderr()).toContain(`The session file ${path} belongs to uid ${otherUser}`);
    });

    it('refuses the swap of issue #14: XDG_CONFIG_HOME in a shared 0777 directory whose hflogin/ is hers', async () => {
      const host = fakeHost();
      // Her directory, world-writable, and her hflogin/ in it with her endpoint.
      const shared = join(host.root, 'shared');
      const hers = join(shared, 'hflogin');
      mkdirSync(hers, { recursive: true });
      writeFileSync(
        join(hers, 'config.json'),
        JSON.stringify({ schemaVersion: 1, profiles: { default: { endpoint: 'https://evil.example' } } }),
      );
      chmodSync(shared, 0o777);
      chownSync(shared, otherUser, otherUser);
      chownSync(hers, otherUser, otherUser);
      chownSync(join(hers, 'config.json'), otherUser, otherUser);
      const env = { HFLOGIN_CONFIG_DIR: '', XDG_CONFIG_HOME: shared, HFLOGIN_PROFILE: 'default' };
      const run = hflogin(host, ['login', '--app-id', emulator.appId], { env });
      const exit = await run.exit;
      expectRefused(
        "a config directory swapped for another user's",
        exit === 2 && run.browser.opened.length === 0,
      );
      expect(run.stderr()).toContain(`belongs to uid ${otherUser}`);
    });

    it('refuses a lock directory that belongs to another user', async () => {
      const host = fakeHost();
      await host.seed(emulator, 'file');
      await host.expire('file');
      const locks = join(host.configDir, 'locks');
      mkdirSync(locks, { recursive: true });
      chownSync(locks, otherUser, otherUser);
      const run = hflogin(host, ['token']);
      expectRefused('lock directory owned by another user', (await run.exit) === 2 && run.stdout() === '');
      expect(run.stderr()).toContain(`The lock directory ${locks} belongs to uid ${otherUser}`);
    });
  });
});
