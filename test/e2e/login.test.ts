import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FileStore } from '../../src/storage/fileStore.js';
import { parseSession } from '../../src/session/session.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { chromiumAvailability, launchChromium, trackNavigations } from '../helpers/chromium.js';
import { isolatedProfile, runHflogin, type HfloginRun } from '../helpers/hfloginProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const chromium = chromiumAvailability();
const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

/**
 * `hflogin login`, `whoami`, `logout` as a person runs them: the built binary, the emulator, headless
 * Chromium playing the browser and gnome-keyring holding the session.
 */
describe.skipIf(chromium.skip || keychain.skip)('login, whoami, logout end to end', () => {
  let emulator: Emulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let visited: string[];
  let isolated: ReturnType<typeof isolatedProfile>;

  beforeAll(async () => {
    emulator = await startEmulator();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    isolated = isolatedProfile();
    context = await browser.newContext();
    page = await context.newPage();
    visited = trackNavigations(page);
  });
  afterEach(async () => {
    await context.close();
    emulator.options.huggingFaceConnector = true;
    emulator.setFault(null);
    // Leave nothing in the shared keyring.
    await (await storeFor('keychain', isolated.configDir)).clear(isolated.profile);
  });

  const tenant = () => ['--endpoint', emulator.endpoint, '--app-id', emulator.appId];
  const login = (...args: string[]) => runHflogin(['login', ...tenant(), ...args], isolated.env);
  const hflogin = (...args: string[]) => runHflogin(args, isolated.env);
  const keychainSession = async () => {
    const text = await (await storeFor('keychain', isolated.configDir)).load(isolated.profile);
    return text === null ? null : parseSession(text);
  };

  /** The person signs in at Hugging Face as `user` in Chromium. */
  async function signInAtHuggingFace(run: HfloginRun, user = 'alice-hf') {
    await page.goto((await run.signInUrl).href);
    await page.click(`#hf-user-${user}`);
  }

  it('signs in with Hugging Face preselected, says who, and keeps the session in the keychain', async () => {
    const run = login();
    await signInAtHuggingFace(run);
    await page.locator('#hflogin-success').waitFor();
    expect(await run.exit).toBe(0);

    expect(run.stderr()).toContain(
      `Signed in as alice-hf (Hugging Face) to ${new URL(emulator.endpoint).host}`,
    );
    expect(await page.locator('#hflogin-success h1').textContent()).toBe('Signed in as alice-hf');
    // Hugging Face was preselected: Logto's sign-in page never appeared.
    expect(visited).not.toContain('/sign-in');
    expect(visited).toContain('/oauth/authorize');

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
    expect(readFileSync(isolated.browserLog, 'utf8')).toBe(`${JSON.stringify([url.href])}\n`);
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

  it('whoami (human and --json) then logout, after which the old refresh token is dead at the provider', async () => {
    const run = login();
    await signInAtHuggingFace(run);
    expect(await run.exit).toBe(0);
    const { refreshToken } = (await keychainSession())!;

    const human = hflogin('whoami');
    expect(await human.exit).toBe(0);
    expect(human.stdout()).toBe(
      `Signed in to ${new URL(emulator.endpoint).host} as Alice Ng — Hugging Face: alice-hf\n`,
    );

    const json = hflogin('whoami', '--json');
    expect(await json.exit).toBe(0);
    const parsed = JSON.parse(json.stdout()) as Record<string, unknown>;
    expect(parsed).toEqual({
      schemaVersion: 1,
      profile: isolated.profile,
      endpoint: emulator.endpoint,
      user: {
        id: 'u1alice00001',
        username: null,
        name: 'Alice Ng',
        email: 'alice@example.com',
        picture: 'https://cdn-avatars.huggingface.co/alice.png',
      },
      huggingface: {
        id: '65a1f0c2e4b0a1b2c3d4e5f6',
        username: 'alice-hf',
        name: 'Alice Ng',
        email: 'alice@example.com',
        avatarUrl: 'https://cdn-avatars.huggingface.co/alice.png',
      },
      session: {
        accessTokenExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        scopes: ['openid', 'offline_access', 'profile', 'email', 'identities'],
        storage: 'keychain',
      },
    });

    const logout = hflogin('logout');
    expect(await logout.exit).toBe(0);
    expect(logout.stderr()).toContain('the session was revoked and removed from this machine');
    expect(await keychainSession()).toBeNull();

    const client = await TestClient.discover(emulator);
    const refresh = await client.refreshRaw(refreshToken!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });

    const after = hflogin('whoami');
    expect(await after.exit).toBe(4);
    expect(after.stderr()).toContain('Not signed in');
    expect(after.stderr()).toContain('hflogin login');
  });

  it("shows Logto's sign-in page with --no-connector", async () => {
    const run = login('--no-connector');
    expect((await run.signInUrl).searchParams.has('direct_sign_in')).toBe(false);
    await page.goto((await run.signInUrl).href);
    await page.locator('#sign-in-page').waitFor();
    await page.click('#social-huggingface');
    await page.click('#hf-user-alice-hf');
    expect(await run.exit).toBe(0);
  });

  it('lands on the sign-in page when the Hugging Face connector is disabled in Logto', async () => {
    emulator.options.huggingFaceConnector = false;
    const run = login('--login-hint', 'lee');
    await page.goto((await run.signInUrl).href);
    await page.locator('#sign-in-page').waitFor();
    await page.fill('#password', 'correct-horse-battery');
    await page.click('#sign-in-submit');
    expect(await run.exit).toBe(0);
    // No Hugging Face identity: named by their Logto name.
    expect(run.stderr()).toContain('Signed in as Lee Logto to');
  });

  it('opens sign-up with --sign-up', async () => {
    const run = login('--sign-up', '--no-connector');
    expect((await run.signInUrl).searchParams.get('first_screen')).toBe('register');
    await page.goto((await run.signInUrl).href);
    await page.locator('#register-page').waitFor();
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
  });

  it('exits 1 with the reason when the person denies at Hugging Face, and stores nothing', async () => {
    const run = login();
    await page.goto((await run.signInUrl).href);
    await page.click('#hf-deny');
    await page.locator('#hflogin-error').waitFor();
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/refused: access_denied \(Hugging Face: The user denied access\)/);
    expect(await page.locator('#hflogin-error-message').textContent()).toContain('access_denied');
    expect(await keychainSession()).toBeNull();
    expect(existsSync(isolated.configDir)).toBe(false);
  });

  it('times out with exit 124', async () => {
    const run = login('--timeout', '1');
    expect(await run.exit).toBe(124);
    expect(run.stderr()).toContain('Timed out after 1 s');
  });

  it('ignores a forged callback with the wrong state, then completes the genuine one', async () => {
    const run = login();
    const redirectUri = (await run.signInUrl).searchParams.get('redirect_uri')!;
    const forged = await fetch(
      `${redirectUri}?code=attacker-code&state=forged&iss=${encodeURIComponent(emulator.issuer)}`,
    );
    expect(forged.status).toBe(400);
    expect(await keychainSession()).toBeNull();
    await signInAtHuggingFace(run);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Ignored a callback that does not belong to this sign-in');
    expect((await keychainSession())?.user.id).toBe('u1alice00001');
  });

  it('exits 2 naming the port when --port is busy', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = login('--port', String(port));
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      busy.close();
    }
  });

  it('exits 130 on Ctrl+C and closes the loopback listener', async () => {
    const run = login();
    const redirectUri = (await run.signInUrl).searchParams.get('redirect_uri')!;
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    await expect(fetch(redirectUri)).rejects.toThrow();
  });

  it('refuses an ID token with a tampered signature and stores nothing', async () => {
    emulator.setFault('id_token_bad_signature');
    const run = login();
    await signInAtHuggingFace(run);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/failed verification/);
    expect(await keychainSession()).toBeNull();
    expect(existsSync(isolated.configDir)).toBe(false);
  });

  it('keeps the session in a 0600 file (directory 0700) with --storage file', async () => {
    const run = login('--storage', 'file');
    await signInAtHuggingFace(run);
    expect(await run.exit).toBe(0);
    const path = new FileStore(isolated.configDir).pathFor(isolated.profile);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(isolated.configDir, 'sessions')).mode & 0o777).toBe(0o700);
    expect(parseSession(readFileSync(path, 'utf8')).huggingface?.username).toBe('alice-hf');
    expect(await keychainSession()).toBeNull();
    // Later commands find it through the profile, without flags.
    const whoami = hflogin('whoami', '--json');
    expect(await whoami.exit).toBe(0);
    expect(JSON.parse(whoami.stdout()).session.storage).toBe('file');
    expect(readdirSync(join(isolated.configDir, 'sessions'))).toEqual([`${isolated.profile}.json`]);
  });

  it('whoami refreshes an expired access token first, saving the rotated refresh token', async () => {
    const run = login();
    await signInAtHuggingFace(run);
    expect(await run.exit).toBe(0);
    const before = (await keychainSession())!;
    // Within the refresh margin: an hour-long access token with 30 s left is refreshed first.
    const store = await storeFor('keychain', isolated.configDir);
    await store.save(
      isolated.profile,
      JSON.stringify({
        ...before,
        accessTokenExpiresAt: new Date(Date.now() + 30_000).toISOString(),
        accessTokenIssuedAt: new Date(Date.now() + 30_000 - 3_600_000).toISOString(),
      }),
    );
    const refreshes = emulator.stats.tokenRequests.refresh_token ?? 0;

    const whoami = hflogin('whoami');
    expect(await whoami.exit).toBe(0);
    expect(emulator.stats.tokenRequests.refresh_token).toBe(refreshes + 1);
    const after = (await keychainSession())!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.now() + 30 * 60_000);
  });
});
