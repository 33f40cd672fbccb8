import { existsSync, readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { signInInBrowser } from '../helpers/httpUserAgent.js';
import { hfloginBin, isolatedProfile, recordBrowser } from '../helpers/hfloginProcess.js';
import { TerminalSession, tmuxAvailability } from '../helpers/tmux.js';
import { useEmulator } from '../helpers/useEmulator.js';

const tmux = tmuxAvailability();

/**
 * The first-run offer and the spinner, in a real terminal (tmux). config init on a (fake) terminal:
 * test/inprocess/terminal.test.ts; without one: test/inprocess/setup.test.ts.
 */
describe.skipIf(tmux.skip)('config init, the first-run offer and the spinner', () => {
  const emulator = useEmulator();
  let terminal: TerminalSession | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });

  const command = (...args: string[]) =>
    [process.execPath, hfloginBin, ...args].map((part) => `'${part}'`).join(' ');
  const environment = (isolated: ReturnType<typeof isolatedProfile>, extra: NodeJS.ProcessEnv = {}) => ({
    ...process.env,
    ...isolated.env,
    HFLOGIN_ENDPOINT: '',
    HFLOGIN_APP_ID: '',
    NO_COLOR: '1',
    ...extra,
  });

  /** Answers config init's questions; the first endpoint is wrong, to see the check refuse it. */
  async function answerSetup(session: TerminalSession) {
    await session.waitFor(/Logto endpoint/);
    session.type('http://127.0.0.1:9');
    session.press('Enter');
    await session.waitFor(/cannot reach 127\.0\.0\.1:9/);
    session.press('C-u');
    session.type(emulator.endpoint);
    session.press('Enter');
    await session.waitFor(/App ID of the Logto Native app/);
    session.type(emulator.appId);
    session.press('Enter');
    await session.waitFor(/device-flow app \(optional/);
    session.type(emulator.deviceAppId);
    session.press('Enter');
    await session.waitFor(/Social connector to go straight to/);
    session.press('Enter');
  }

  it('offers the setup on a first login, then signs in, with a spinner while it waits', async () => {
    const isolated = isolatedProfile();
    terminal = TerminalSession.start(
      command('login', '--storage', 'file'),
      environment(isolated, { BROWSER: recordBrowser, DISPLAY: ':0' }),
    );
    await terminal.waitFor(/No tenant is configured for profile ".*"\. Set it up now\? \(Y\/n\)/);
    terminal.type('y');
    terminal.press('Enter');
    await answerSetup(terminal);
    // The sign-in goes on: a spinner while the browser does its part.
    await terminal.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for you to finish in the browser… Ctrl\+C to cancel/);
    const first = /([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Waiting/.exec(terminal.screen())?.[1];
    await terminal.waitFor(new RegExp(`[${'⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'.replace(first ?? '', '')}] Waiting`));

    await expect.poll(() => existsSync(isolated.browserLog)).toBe(true);
    const [url] = JSON.parse(readFileSync(isolated.browserLog, 'utf8').trim()) as [string];
    // The browser was handed the one-time /start link: through it, keeping its cookie.
    await signInInBrowser(url);

    await terminal.waitFor(/\[exit \d+\]/);
    const screen = terminal.screen();
    expect(screen).toContain('[exit 0]');
    expect(screen).toContain('Signed in as alice-hf (Hugging Face)');
    // The spinner cleared its line: no spinner frame is left beside the result.
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting[^\n]*\n[^\n]*\[exit/);
  });
});
