import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { chromiumAvailability, useChromium } from '../helpers/chromium.js';
import {
  hfloginBin,
  isolatedProfile,
  recordBrowser,
  recordedBrowserArgv,
} from '../helpers/hfloginProcess.js';
import { storeFor } from '../helpers/seedSession.js';
import { TerminalSession, tmuxAvailability } from '../helpers/tmux.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

const chromium = chromiumAvailability();
const tmux = tmuxAvailability();

/**
 * hflogin in a real terminal (tmux), with Chromium as the browser on "another machine": it follows
 * the sign-in URL, but its final redirect to the loopback is never delivered, as when the browser
 * runs elsewhere.
 */
describe.skipIf(chromium.skip || tmux.skip)(
  'sign-in from a terminal whose loopback the browser cannot reach',
  () => {
    const emulator = useEmulator({ deviceFlow: { interval: 1, slowDown: false } });
    const browser = useChromium();
    let terminal: TerminalSession | undefined;
    let isolated: ReturnType<typeof isolatedProfile>;

    beforeEach(() => {
      isolated = isolatedProfile();
    });
    afterEach(() => {
      terminal?.close();
      terminal = undefined;
    });

    /** The environment of a machine without a display (as over SSH or in a container). */
    function headlessEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
      const env: NodeJS.ProcessEnv = { ...process.env, ...isolated.env, NO_COLOR: '1', ...extra };
      delete env.DISPLAY;
      delete env.WAYLAND_DISPLAY;
      if (!extra.BROWSER) delete env.BROWSER;
      return env;
    }

    const command = (...args: string[]) =>
      [process.execPath, hfloginBin, ...loginArgs(emulator, '--storage', 'file', ...args)]
        .map((part) => `'${part}'`)
        .join(' ');

    /**
     * The browser elsewhere: it never delivers the final redirect to this machine's loopback; the
     * address it ended on is what the person copies.
     */
    async function interceptCallback(): Promise<() => Promise<string>> {
      let resolveEnded!: (url: string) => void;
      const ended = new Promise<string>((resolve) => (resolveEnded = resolve));
      // Playwright routes only the first request of a navigation, not its redirects, and the chain
      // that ends on the loopback starts when the person decides on Hugging Face's browser.page. So that
      // request is taken over: its redirects are followed here (with the browser's cookies) up to the
      // loopback address, which is recorded and answered as an unreachable browser.page.
      await browser.context.route(
        (url) => url.pathname === '/oauth/authorize',
        async (route) => {
          if (route.request().method() !== 'POST') return route.fallback();
          let response = await route.fetch({ maxRedirects: 0 });
          let current = route.request().url();
          for (let hop = 0; hop < 20; hop += 1) {
            const location = response.headers().location;
            if (!location || response.status() < 300 || response.status() >= 400) break;
            const next = new URL(location, current);
            if (next.pathname === '/callback') {
              resolveEnded(next.href);
              await route.fulfill({
                status: 200,
                contentType: 'text/html',
                body: '<h1>This site can’t be reached</h1>',
              });
              return;
            }
            response = await browser.context.request.get(next.href, { maxRedirects: 0 });
            current = next.href;
          }
          await route.fulfill({ response });
        },
      );
      return () => ended;
    }

    async function signInElsewhere(signInUrl: string, choice = '#hf-user-alice-hf'): Promise<string> {
      const ended = await interceptCallback();
      await browser.page.goto(signInUrl);
      await browser.page.click(choice);
      return ended();
    }

    /** What the recorder $BROWSER was given (it runs detached, so its file may come a moment later). */
    async function recordedBrowserUrl(): Promise<string> {
      return (await recordedBrowserArgv(isolated.browserLog))[0]!;
    }

    const storedSession = async () => {
      const text = await (await storeFor('file', isolated.configDir)).load(isolated.profile);
      return text === null ? null : parseSession(text);
    };

    it('accepts the address the browser ended on, pasted at the prompt, checked like a callback', async () => {
      terminal = TerminalSession.start(command(), headlessEnv());
      await terminal.waitFor(
        /Not opening a browser: (there is no graphical display|this runs in a container)/,
      );
      await terminal.waitFor(/Paste the address your browser ended on/);
      const signInUrl = (await terminal.waitFor(/http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\?\S+/))[0];

      const callback = await signInElsewhere(signInUrl);
      expect(callback).toMatch(/\/callback\?code=/);

      // Someone else's callback (another state) is refused at the prompt, and nothing is stored.
      const foreign = new URL(callback);
      foreign.searchParams.set('state', 'someone-elses-state');
      terminal.type(foreign.href);
      terminal.press('Enter');
      await terminal.waitFor(/belongs to another sign-in/);
      expect(await storedSession()).toBeNull();

      terminal.press('C-u');
      terminal.type(callback);
      terminal.press('Enter');
      await terminal.waitFor(/\[exit \d+\]/);
      const screen = terminal.screen();
      expect(screen).toContain('[exit 0]');
      expect(screen).toContain(`Signed in as alice-hf (Hugging Face) to ${new URL(emulator.endpoint).host}`);
      expect((await storedSession())?.user.id).toBe('u1alice00001');
    });

    it('ends with exit 1 when the pasted address carries the provider’s refusal', async () => {
      terminal = TerminalSession.start(command('--no-browser'), headlessEnv({ DISPLAY: ':0' }));
      await terminal.waitFor(/Not opening a browser \(--no-browser\)/);
      await terminal.waitFor(/Paste the address/);
      const signInUrl = (await terminal.waitFor(/http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\?\S+/))[0];
      const callback = await signInElsewhere(signInUrl, '#hf-deny');
      terminal.type(callback);
      terminal.press('Enter');
      await terminal.waitFor(/\[exit \d+\]/);
      expect(terminal.screen()).toContain('[exit 1]');
      expect(terminal.screen()).toContain('access_denied');
      expect(await storedSession()).toBeNull();
    });

    it('switches to the device flow on a key press, without restarting, and the loopback closes', async () => {
      terminal = TerminalSession.start(
        command('--device-app-id', emulator.deviceAppId),
        headlessEnv({ BROWSER: recordBrowser }),
      );
      await terminal.waitFor(
        /Press p to paste the address your browser ended on, d to sign in with a device code instead/,
      );
      const signInUrl = await recordedBrowserUrl();
      // The browser was handed the one-time /start link; the callback is on the same loopback.
      const redirectUri = `${new URL(signInUrl).origin}/callback`;

      terminal.press('d');
      const [, url, code] = await terminal.waitFor(/ {2}(http\S+\/device\?user_code=\S+)\s+Code: (\S+)/);
      expect(url).toContain(encodeURIComponent(code!));
      await browser.page.goto(url!);
      await browser.page.click('#device-confirm');
      await browser.page.click('#hf-user-alice-hf');
      await browser.page.locator('#device-success-page').waitFor();

      await terminal.waitFor(/\[exit \d+\]/);
      const screen = terminal.screen();
      expect(screen).toContain('Switching to a device code');
      expect(screen).toContain('[exit 0]');
      expect(screen).toContain('Signed in as alice-hf (Hugging Face)');
      expect((await storedSession())?.appId).toBe(emulator.deviceAppId);
      // The browser path was withdrawn: its listener is gone.
      await expect(fetch(redirectUri)).rejects.toThrow();
    });

    it('stops polling the device code when the browser wins after the switch', async () => {
      const codesBefore = new Set(Object.keys(emulator.stats.devicePolls));
      const newCodes = () => Object.keys(emulator.stats.devicePolls).filter((code) => !codesBefore.has(code));
      terminal = TerminalSession.start(
        command('--device-app-id', emulator.deviceAppId),
        headlessEnv({ BROWSER: recordBrowser }),
      );
      await terminal.waitFor(/d to sign in with a device code instead/);
      const signInUrl = await recordedBrowserUrl();
      terminal.press('d');
      await terminal.waitFor(/Code: \S+/);
      // The device poller is running.
      await expect.poll(newCodes, { timeout: 10_000 }).toHaveLength(1);

      // The browser the URL was opened in finishes after all, and its callback reaches the loopback.
      await browser.page.goto(signInUrl);
      await browser.page.click('#hf-user-alice-hf');
      await browser.page.locator('#hflogin-success').waitFor();
      await terminal.waitFor(/\[exit \d+\]/);
      const exitSeenAt = Date.now();
      expect(terminal.screen()).toContain('[exit 0]');
      expect((await storedSession())?.appId).toBe(emulator.appId);
      await sleep(2_500);
      const polls = emulator.stats.devicePolls[newCodes()[0]!]!;
      expect(polls.every((time) => time <= exitSeenAt)).toBe(true);
    });

    it('lets the loopback win while the menu waits, withdrawing the menu', async () => {
      terminal = TerminalSession.start(
        command('--device-app-id', emulator.deviceAppId),
        headlessEnv({ BROWSER: recordBrowser }),
      );
      await terminal.waitFor(/Press p to paste/);
      const signInUrl = await recordedBrowserUrl();
      await browser.page.goto(signInUrl);
      await browser.page.click('#hf-user-alice-hf');
      await browser.page.locator('#hflogin-success').waitFor();
      await terminal.waitFor(/\[exit \d+\]/);
      expect(terminal.screen()).toContain('[exit 0]');
      expect((await storedSession())?.appId).toBe(emulator.appId);
    });

    it('switches to pasting on p when the opened browser turns out to be elsewhere', async () => {
      terminal = TerminalSession.start(command(), headlessEnv({ BROWSER: recordBrowser }));
      await terminal.waitFor(/Press p to paste the address your browser ended on\./);
      const callback = await signInElsewhere(await recordedBrowserUrl());
      terminal.press('p');
      await terminal.waitFor(/Paste the address your browser ended on:/);
      terminal.type(callback);
      terminal.press('Enter');
      await terminal.waitFor(/\[exit \d+\]/);
      expect(terminal.screen()).toContain('[exit 0]');
      expect((await storedSession())?.user.id).toBe('u1alice00001');
    });
  },
);
