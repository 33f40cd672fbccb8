import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { browseToCallback } from '../helpers/httpUserAgent.js';
import { fakeHost, hflogin, type FakeHost, type InProcessRun } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * On a (fake) terminal: stdin and stderr are TTYs, and the test types the person's keys. The real
 * terminal, with its rendering, is in test/e2e/setup.test.ts and terminal.test.ts (tmux).
 */
describe('on a terminal', () => {
  const emulator = useEmulator();
  const profileIn = (host: FakeHost) =>
    (
      JSON.parse(readFileSync(join(host.configDir, 'config.json'), 'utf8')) as {
        profiles: Record<string, unknown>;
      }
    ).profiles[host.profile];

  /** Waits until the run has written `pattern` to the terminal (after the first `from` characters). */
  async function shows(run: InProcessRun, pattern: RegExp, from = 0): Promise<number> {
    await expect.poll(() => run.stderr().slice(from), { timeout: 10_000 }).toMatch(pattern);
    return run.stderr().length;
  }

  it('config init asks, checks the endpoint by its discovery, and saves the profile', async () => {
    const host = fakeHost();
    const run = hflogin(host, ['config', 'init'], { terminal: true });
    let seen = await shows(run, /Logto endpoint/);
    run.type('http://127.0.0.1:9\r');
    seen = await shows(run, /cannot reach 127\.0\.0\.1:9/, seen);
    run.type('\u0015'); // Ctrl+U empties the line.
    run.type(`${emulator.endpoint}\r`);
    seen = await shows(run, /App ID of the Logto Native app/, seen);
    run.type(`${emulator.appId}\r`);
    seen = await shows(run, /device-flow app \(optional/, seen);
    run.type(`${emulator.deviceAppId}\r`);
    await shows(run, /Social connector to go straight to/, seen);
    run.type('\r');
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain(`Saved profile "${host.profile}"`);
    expect(profileIn(host)).toEqual({
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      deviceAppId: emulator.deviceAppId,
      connector: 'huggingface',
    });
  });

  it('a first login without a tenant offers the setup; declined, it names the flags (exit 2)', async () => {
    const host = fakeHost({ HFLOGIN_ENDPOINT: '', HFLOGIN_APP_ID: '' });
    const run = hflogin(host, ['login', '--storage', 'file'], { terminal: true });
    await shows(run, /No tenant is configured for profile ".*"\. Set it up now\? \(Y\/n\)/);
    run.type('n\r');
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('--endpoint (or HFLOGIN_ENDPOINT)');
    expect(run.browser.opened).toEqual([]);
  });

  it('without a browser here, takes the address the browser ended on, pasted and checked like a callback', async () => {
    const host = fakeHost({ BROWSER: '', SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' });
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { terminal: true });
    const url = await run.signInUrl;
    let seen = await shows(run, /Paste the address your browser ended on/);
    expect(run.stderr()).toContain('Not opening a browser: this is an SSH session');
    // The browser runs elsewhere: its last page, the loopback, never loads; the person copies it.
    const ended = await browseToCallback(url);
    run.type('not an address\r');
    seen = await shows(run, /That is not an address/, seen);
    run.type('\u0015');
    run.type(`${ended.replace('state=', 'state=x')}\r`);
    await shows(run, /belongs to another sign-in/, seen);
    run.type('\u0015');
    run.type(`${ended}\r`);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
    expect((await host.session('file'))?.huggingface?.username).toBe('alice-hf');
  });

  it('refuses a bad flag before offering the first-run setup (no question asked), exit 2', async () => {
    const host = fakeHost();
    const run = hflogin(host, ['login', '--prompt', 'bogus'], { terminal: true });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('"bogus" is not a valid prompt.');
    expect(run.stderr()).not.toContain('Set it up now?');
  });

  it('switches to pasting on p when the opened browser turns out to be elsewhere', async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { terminal: true, browser: 'stay' });
    const url = await run.signInUrl;
    const seen = await shows(run, /Press p to paste the address your browser ended on/);
    // The browser was handed the one-time link, not the sign-in URL (which only the terminal shows).
    expect(run.browser.opened).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]{43}$/),
    ]);
    run.type('p');
    await shows(run, /Paste the address your browser ended on:/, seen);
    run.type(`${await browseToCallback(url, { user: 'bob-hf' })}\r`);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as bob-hf (Hugging Face)');
  });

  it('ends on Ctrl+C pressed at the key prompt (raw mode swallows it; hflogin raises it), exit 130', async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { terminal: true, browser: 'stay' });
    await run.signInUrl;
    await shows(run, /Press p to paste the address your browser ended on/);
    run.type('\u0003');
    expect(await run.exit).toBe(130);
    expect(await host.session('file')).toBeNull();
  });
});
