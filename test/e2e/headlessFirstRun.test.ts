import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { sessionFilePath } from '../../src/storage/fileStore.js';
import { signInInBrowser } from '../helpers/httpUserAgent.js';
import {
  hfloginBin,
  isolatedProfile,
  recordBrowser,
  recordedBrowserArgv,
  runHflogin,
} from '../helpers/hfloginProcess.js';
import { TerminalSession, tmuxAvailability } from '../helpers/tmux.js';
import { useEmulator } from '../helpers/useEmulator.js';

const tmux = tmuxAvailability();

/**
 * A first run on a machine without a Secret Service (a server over SSH, a container), in a real
 * terminal (tmux): the session bus named by DBUS_SESSION_BUS_ADDRESS does not exist, so the real
 * @napi-rs/keyring fails as it does there. The same in-process, with a fake keychain and terminal:
 * test/inprocess/headlessFirstRun.test.ts.
 */
describe.skipIf(tmux.skip)('headless first run: the keychain cannot be used', () => {
  const emulator = useEmulator();
  let terminal: TerminalSession | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });

  /** A machine where no Secret Service can be reached, nothing configured; $BROWSER the recorder. */
  const environment = (isolated: ReturnType<typeof isolatedProfile>): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...isolated.env,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(isolated.root, 'no-bus')}`,
      HFLOGIN_STORAGE: '',
      HFLOGIN_ENDPOINT: '',
      HFLOGIN_APP_ID: '',
      BROWSER: recordBrowser,
      NO_COLOR: '1',
    };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    return env;
  };

  it('offers the 0600 file before the setup; yes signs in, and later commands use the file', async () => {
    const isolated = isolatedProfile();
    const env = environment(isolated);
    terminal = TerminalSession.start(
      [process.execPath, hfloginBin, 'login'].map((part) => `'${part}'`).join(' '),
      env,
    );
    await terminal.waitFor(/Keep the session of profile "e2e-\w+" in that file\? \(y\/N\)/);
    const offer = terminal.screen();
    expect(offer).toContain(
      'The OS keychain cannot be used: there is no D-Bus session here (usual over SSH and in containers), so no Secret Service such as gnome-keyring can be reached.',
    );
    expect(offer).toContain(
      `hflogin can keep this profile's session in a file instead: ${sessionFilePath(isolated.configDir, isolated.profile)}`,
    );
    expect(offer).not.toMatch(/Platform failure|DBus error|Failed to connect to socket/);
    // The keychain came first: no tenant question yet.
    expect(offer).not.toContain('No tenant is configured');

    terminal.type('y');
    terminal.press('Enter');
    await terminal.waitFor(/No tenant is configured for profile ".*"\. Set it up now\? \(Y\/n\)/);
    terminal.press('Enter');
    await terminal.waitFor(/Logto endpoint/);
    terminal.type(emulator.endpoint);
    terminal.press('Enter');
    await terminal.waitFor(/App ID of the Logto Native app/);
    terminal.type(emulator.appId);
    terminal.press('Enter');
    await terminal.waitFor(/device-flow app \(optional/);
    terminal.press('Enter');
    await terminal.waitFor(/Social connector to go straight to/);
    terminal.press('Enter');

    // The browser ($BROWSER) was handed the one-time /start link: signed in through it.
    const [url] = await recordedBrowserArgv(isolated.browserLog);
    await signInInBrowser(url!);
    await terminal.waitFor(/\[exit \d+\]/);
    const screen = terminal.screen();
    expect(screen).toContain(`Profile "${isolated.profile}" keeps its session in that file from now on`);
    expect(screen).toContain('Signed in as alice-hf (Hugging Face)');
    expect(screen).toContain('[exit 0]');

    const path = sessionFilePath(isolated.configDir, isolated.profile);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(join(isolated.configDir, 'config.json'), 'utf8')) as {
      profiles: Record<string, { storage?: string }>;
    };
    expect(config.profiles[isolated.profile]?.storage).toBe('file');

    // whoami, as a script runs it (no terminal), on the same keychain-less machine.
    const whoami = runHflogin(['whoami', '--json'], env);
    expect(await whoami.exit).toBe(0);
    expect(JSON.parse(whoami.stdout())).toMatchObject({
      huggingface: { username: 'alice-hf' },
      session: { storage: 'file' },
    });
  });

  it('without a terminal, exit 6 with the reason in words and the hint naming --storage file', async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(
      ['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId],
      environment(isolated),
    );
    expect(await run.exit).toBe(6);
    expect(run.stderr()).toBe(
      [
        'Error: The OS keychain cannot be used: there is no D-Bus session here (usual over SSH and in containers), so no Secret Service such as gnome-keyring can be reached.',
        'Hint: Start a Secret Service (e.g. gnome-keyring) in a D-Bus session, or sign in from a desktop session, or keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on).',
        '',
      ].join('\n'),
    );
  });
});
