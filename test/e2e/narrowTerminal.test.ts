import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { hfloginBin, isolatedProfile, recordBrowser } from '../helpers/hfloginProcess.js';
import { TerminalSession, tmuxAvailability } from '../helpers/tmux.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

const tmux = tmuxAvailability();

/** The spinner's frames: one of them shows at any moment, so the tests compare them as one. */
const frame = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /u;
const waiting = 'Waiting for you to finish in the browser… Ctrl+C to cancel';

/**
 * `hflogin login` in a real terminal (tmux) narrower than its spinner's message, waiting in the
 * browser step (the recorder $BROWSER "opened" the page; nobody signs in). A line that wrapped
 * could not be redrawn with \r, and every frame would push the URL and the key hints up a line.
 */
describe.skipIf(tmux.skip)('the spinner in a narrow terminal', () => {
  const emulator = useEmulator();
  let terminal: TerminalSession | undefined;
  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });

  function startLogin(columns: number): TerminalSession {
    const isolated = isolatedProfile();
    // UTF-8, so that tmux shows the frames and "…" as the terminal of a person would.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...isolated.env,
      NO_COLOR: '1',
      BROWSER: recordBrowser,
      LC_ALL: 'C.UTF-8',
    };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const command = [process.execPath, hfloginBin, ...loginArgs(emulator, '--storage', 'file')]
      .map((part) => `'${part}'`)
      .join(' ');
    terminal = TerminalSession.start(command, env, { columns, rows: 40 });
    return terminal;
  }

  /** Every line written so far (scrollback too, wrapped lines joined), the frame spelled ⠿. */
  const lines = (session: TerminalSession) =>
    session
      .screen()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(frame, '⠿ '));

  /** What the terminal shows, row by row, the frame spelled ⠿. */
  const rows = (session: TerminalSession) =>
    session
      .rows()
      .filter((row) => row !== '')
      .map((row) => row.replace(frame, '⠿ '));

  /** The lines before the spinner's, as hflogin prints them, with this sign-in's URL. */
  const before = (url: string) => [
    `Sign in to ${new URL(emulator.endpoint).host} (Hugging Face preselected) in your browser:`,
    `  ${url}`,
    'Waiting for the sign-in to finish in the browser (Ctrl+C to cancel, times out in 300 s)…',
    'Press p to paste the address your browser ended on.',
  ];

  /**
   * `lines` cut into the rows of a terminal `columns` wide (every character here is one column),
   * as capture-pane reads them: without trailing spaces.
   */
  const wrapped = (lines: string[], columns: number) =>
    lines.flatMap((line) => line.match(new RegExp(`.{1,${columns}}`, 'gu'))!.map((row) => row.trimEnd()));

  it('at 30 columns: no spinner, the message once, and the URL and key hints stay on the screen', async () => {
    const session = startLogin(30);
    await session.waitFor(/Press p to paste the address your browser ended on\.\n/);
    await session.waitFor(/Waiting for you to finish in the browser… Ctrl\+C to cancel/);
    const url = (await session.waitFor(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\?\S+)$/m))[1]!;
    const expected = [...before(url), waiting];
    expect(lines(session)).toEqual(expected);
    expect(rows(session)).toEqual(wrapped(expected, 30));
    // A second later (12 frames' time), not one line more.
    await sleep(1_000);
    expect(lines(session)).toEqual(expected);
    expect(rows(session)).toEqual(wrapped(expected, 30));
  });

  it('at 50 columns: the spinner line is cut to 49 columns, and redrawn in place', async () => {
    const session = startLogin(50);
    await session.waitFor(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting/mu);
    const url = (await session.waitFor(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\?\S+)$/m))[1]!;
    const expected = [...before(url), '⠿ Waiting for you to finish in the browser… Ctrl…'];
    expect(lines(session)).toEqual(expected);
    expect(rows(session)).toEqual(wrapped(expected, 50));
    await sleep(1_000);
    expect(lines(session)).toEqual(expected);
    expect(rows(session)).toEqual(wrapped(expected, 50));
  });

  it('narrowed from 50 to 30 columns while it spins: the spinner goes, the message stays, once', async () => {
    const session = startLogin(50);
    await session.waitFor(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting/mu);
    const url = (await session.waitFor(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\?\S+)$/m))[1]!;
    session.resize(30);
    await session.waitFor(/^Waiting for you to finish in the browser… Ctrl\+C to cancel$/m);
    await sleep(1_000);
    expect(lines(session)).toEqual([...before(url), waiting]);
  });
});
