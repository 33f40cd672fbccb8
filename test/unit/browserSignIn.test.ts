import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { signInChoices } from '../../src/logto/authorizationParameters.js';
import { discover, withClient } from '../../src/oauth/provider.js';
import { browserSignIn, type BrowserSignInDeps } from '../../src/signIn/browserSignIn.js';
import { signInInBrowser } from '../helpers/httpUserAgent.js';
import { realProviderDeps, realSignInDeps } from '../helpers/realMachine.js';
import { useEmulator } from '../helpers/useEmulator.js';

const choices = signInChoices();

/**
 * The browser sign-in in-process, on a pretend terminal, so that what keeps running after a path
 * has won is visible: the CLI exits the process at the end, which would hide a poller left behind.
 */
describe('browser sign-in with the switch to a device code', () => {
  const emulator = useEmulator({ deviceFlow: { interval: 1, slowDown: false } });

  it('stops the device poller when the browser callback wins', async () => {
    const provider = await discover(emulator.endpoint, emulator.appId, realProviderDeps);
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let written = '';
    stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
    let opened: string | undefined;
    const deps: BrowserSignInDeps = {
      stdin,
      stderr,
      env: { NO_COLOR: '1' },
      ...realSignInDeps,
      signal: new AbortController().signal,
      openBrowser: async (url) => {
        opened = url;
        return { opened: true, detail: 'test' };
      },
    };
    const codesBefore = new Set(Object.keys(emulator.stats.devicePolls));
    const signingIn = browserSignIn(
      {
        provider,
        choices,
        port: 0,
        openBrowser: true,
        timeoutSeconds: 60,
        hostFacts: { platform: 'linux', env: { BROWSER: 'test' }, isContainer: false, isWsl: false },
        deviceProvider: withClient(provider, emulator.deviceAppId),
        emit: () => {},
      },
      deps,
    );
    await expect.poll(() => written).toMatch(/d to sign in with a device code instead/);
    stdin.write('d');
    await expect.poll(() => written).toMatch(/Code: /);
    const newCodes = () => Object.keys(emulator.stats.devicePolls).filter((code) => !codesBefore.has(code));
    // The device poller is running: it has polled at least once.
    await expect.poll(newCodes, { timeout: 10_000 }).toHaveLength(1);
    const polls = emulator.stats.devicePolls[newCodes()[0]!]!;

    // The browser was handed /start; it keeps the cookie /start sets for the callback.
    const delivered = signInInBrowser(opened!);
    const result = await signingIn;
    const wonAt = Date.now();
    await result.finish({ signedInAs: 'test' });
    await delivered;
    expect(result.provider.client.client_id).toBe(emulator.appId);

    // Three intervals later, the device code was not polled again.
    await sleep(3_000);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((time) => time <= wonAt)).toBe(true);
  });
});
