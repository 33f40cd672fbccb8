import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { chromiumAvailability, useChromium } from '../helpers/chromium.js';
import {
  isolatedProfile,
  recordedBrowserArgv,
  runHflogin,
  type HfloginRun,
} from '../helpers/hfloginProcess.js';
import { storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

const chromium = chromiumAvailability();
const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

/**
 * `hflogin login` as a person runs it: the built binary, the emulator, headless Chromium playing the
 * browser (its pages are looked at) and gnome-keyring holding the session. What needs no Chromium
 * page and no real signal runs in-process: test/inprocess/login.test.ts.
 */
describe.skipIf(chromium.skip || keychain.skip)('login, whoami, logout end to end', () => {
  const emulator = useEmulator();
  const browser = useChromium();
  let isolated: ReturnType<typeof isolatedProfile>;

  beforeEach(() => {
    isolated = isolatedProfile();
  });
  afterEach(async () => {
    emulator.options.huggingFaceConnector = true;
    // Leave nothing in the shared keyring.
    await (await storeFor('keychain', isolated.configDir)).clear(isolated.profile);
  });

  const login = (...args: string[]) => runHflogin(loginArgs(emulator, ...args), isolated.env);
  const keychainSession = async () => {
    const text = await (await storeFor('keychain', isolated.configDir)).load(isolated.profile);
    return text === null ? null : parseSession(text);
  };

  /** The person signs in at Hugging Face as `user` in Chromium. */
  async function signInAtHuggingFace(run: HfloginRun, user = 'alice-hf') {
    // What $BROWSER was handed (the one-time /start link, which redirects to the sign-in URL and
    // sets the callback's cookie); the printed sign-in URL when no browser was opened.
    await run.signInUrl;
    await expect
      .poll(() => run.stderr())
      .toMatch(/Waiting for the sign-in|Not opening a browser|Could not open/);
    const opened = /Not opening a browser|Could not open/.test(run.stderr())
      ? undefined
      : (await recordedBrowserArgv(isolated.browserLog))[0];
    await browser.page.goto(opened ?? (await run.signInUrl).href);
    await browser.page.click(`#hf-user-${user}`);
  }

  it('signs in with Hugging Face preselected, says who, and keeps the session in the keychain', async () => {
    const run = login();
    await signInAtHuggingFace(run);
    await browser.page.locator('#hflogin-success').waitFor();
    expect(await run.exit).toBe(0);

    expect(run.stderr()).toContain(
      `Signed in as alice-hf (Hugging Face) to ${new URL(emulator.endpoint).host}`,
    );
    expect(await browser.page.locator('#hflogin-success h1').textContent()).toBe('Signed in as alice-hf');
    // Hugging Face was preselected: Logto's sign-in page never appeared.
    expect(browser.visited).not.toContain('/sign-in');
    expect(browser.visited).toContain('/oauth/authorize');

    // The URL hflogin built, and $BROWSER got exactly it as its only argument.
    const url = await run.signInUrl;
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: emulator.appId,
      response_type: 'code',
      scope: 'openid offline_access profile email identities',
      prompt: 'consent',
      code_challenge_method: 'S256',
      direct_sign_in: 'social:huggingface',
    });
    expect(params.redirect_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    for (const key of ['state', 'nonce', 'code_challenge']) expect(params[key]).toMatch(/^[\w-]{43}$/);
    // $BROWSER got only the one-time /start link on that loopback: its argv is public.
    const [argv, ...more] = readFileSync(isolated.browserLog, 'utf8').trim().split('\n');
    expect(more).toEqual([]);
    expect(JSON.parse(argv!)).toEqual([
      expect.stringMatching(
        new RegExp(`^${params.redirect_uri!.replace('/callback', '')}/start/[\\w-]{43}$`),
      ),
    ]);
    // The loopback server is gone once the sign-in is done.
    await expect(fetch(params.redirect_uri!)).rejects.toThrow();

    const session = await keychainSession();
    expect(session).toMatchObject({
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      user: { id: 'u1alice00001', name: 'Alice Ng' },
      huggingface: { username: 'alice-hf' },
    });
    expect(session?.refreshToken).toBeTypeOf('string');

    // The profile remembers the tenant, and the config file holds no secret.
    const config = readFileSync(join(isolated.configDir, 'config.json'), 'utf8');
    expect(JSON.parse(config).profiles[isolated.profile]).toEqual({
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      storage: 'keychain',
    });
    for (const secret of [session!.accessToken, session!.refreshToken!, session!.idToken!])
      expect(config).not.toContain(secret);
  });

  it("shows Logto's sign-in page with --no-connector", async () => {
    const run = login('--no-connector');
    expect((await run.signInUrl).searchParams.has('direct_sign_in')).toBe(false);
    await browser.page.goto((await run.signInUrl).href);
    await browser.page.locator('#sign-in-page').waitFor();
    await browser.page.click('#social-huggingface');
    await browser.page.click('#hf-user-alice-hf');
    expect(await run.exit).toBe(0);
  });

  it('lands on the sign-in page when the Hugging Face connector is disabled in Logto', async () => {
    emulator.options.huggingFaceConnector = false;
    const run = login('--login-hint', 'lee');
    await browser.page.goto((await run.signInUrl).href);
    await browser.page.locator('#sign-in-page').waitFor();
    await browser.page.fill('#password', 'correct-horse-battery');
    await browser.page.click('#sign-in-submit');
    expect(await run.exit).toBe(0);
    // No Hugging Face identity: named by their Logto name.
    expect(run.stderr()).toContain('Signed in as Lee Logto to');
  });

  it('opens sign-up with --sign-up', async () => {
    const run = login('--sign-up', '--no-connector');
    expect((await run.signInUrl).searchParams.get('first_screen')).toBe('register');
    await browser.page.goto((await run.signInUrl).href);
    await browser.page.locator('#register-page').waitFor();
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
  });

  it('exits 1 with the reason when the person denies at Hugging Face, and stores nothing', async () => {
    const run = login();
    await browser.page.goto((await run.signInUrl).href);
    await browser.page.click('#hf-deny');
    await browser.page.locator('#hflogin-error').waitFor();
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/refused: access_denied \(Hugging Face: The user denied access\)/);
    expect(await browser.page.locator('#hflogin-error-message').textContent()).toContain('access_denied');
    expect(await keychainSession()).toBeNull();
    expect(existsSync(isolated.configDir)).toBe(false);
  });

  it('exits 130 on Ctrl+C and closes the loopback listener', async () => {
    const run = login();
    const redirectUri = (await run.signInUrl).searchParams.get('redirect_uri')!;
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    await expect(fetch(redirectUri)).rejects.toThrow();
  });
});
