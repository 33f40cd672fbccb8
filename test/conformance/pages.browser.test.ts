import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';
import {
  captureRedirect,
  chromiumAvailability,
  launchChromium,
  trackNavigations,
} from '../helpers/chromium.js';
import { TestClient } from '../helpers/oidcClient.js';

const { skip } = chromiumAvailability();

/** The experience pages through real headless Chromium, clicked by their stable ids. */
describe.skipIf(skip)('experience pages in Chromium', () => {
  let emulator: Emulator;
  let client: TestClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every document the browser loaded, to prove which pages were (not) shown. */
  let visited: string[];

  beforeAll(async () => {
    emulator = await startEmulator();
    client = await TestClient.discover(emulator);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
    visited = trackNavigations(page);
  });
  afterEach(async () => {
    await context.close();
    emulator.options.huggingFaceConnector = true;
  });

  it('goes straight to Hugging Face with direct_sign_in, never showing the Logto sign-in page', async () => {
    const request = await client.authorizationRequest();
    const callback = captureRedirect(context, client.redirectUri);
    await page.goto(request.url);
    await page.locator('#hf-authorize-page').waitFor();
    await page.click('#hf-user-alice-hf');
    const tokens = await client.exchange(await callback, request);
    expect(visited).not.toContain('/sign-in');
    expect(visited).toContain('/oauth/authorize');
    expect((await client.userinfo(tokens.access_token)).name).toBe('Alice Ng');
  });

  it("shows Logto's sign-in page without direct_sign_in, with password fields and the Hugging Face button", async () => {
    const request = await client.authorizationRequest({ direct_sign_in: '' });
    const callback = captureRedirect(context, client.redirectUri);
    await page.goto(request.url);
    await page.locator('#sign-in-page').waitFor();
    await expect(page.locator('#identifier').isVisible()).resolves.toBe(true);
    await expect(page.locator('#password').isVisible()).resolves.toBe(true);
    await expect(page.locator('#social-huggingface').textContent()).resolves.toBe(
      'Continue with Hugging Face',
    );
    await page.click('#social-huggingface');
    await page.click('#hf-user-somchai-hf');
    const tokens = await client.exchange(await callback, request);
    expect((await client.userinfo(tokens.access_token)).name).toBe('สมชาย ใจดี');
  });

  it('falls back to the sign-in page when the connector is disabled; password sign-in works there', async () => {
    emulator.options.huggingFaceConnector = false;
    const request = await client.authorizationRequest({ login_hint: 'lee' });
    const callback = captureRedirect(context, client.redirectUri);
    await page.goto(request.url);
    await page.locator('#sign-in-page').waitFor();
    expect(await page.locator('#social-huggingface').count()).toBe(0);
    // login_hint pre-fills the identifier.
    await expect(page.locator('#identifier').inputValue()).resolves.toBe('lee');
    await page.fill('#password', 'wrong-password');
    await page.click('#sign-in-submit');
    await expect(page.locator('#error-message').textContent()).resolves.toBe(
      'Incorrect username or password.',
    );
    await page.fill('#password', 'correct-horse-battery');
    await page.click('#sign-in-submit');
    const tokens = await client.exchange(await callback, request);
    expect((await client.userinfo(tokens.access_token)).sub).toBe('u2lee0000002');
  });

  it('opens the sign-up page with first_screen=register', async () => {
    const request = await client.authorizationRequest({ direct_sign_in: '', first_screen: 'register' });
    const callback = captureRedirect(context, client.redirectUri);
    await page.goto(request.url);
    await page.locator('#register-page').waitFor();
    await page.fill('#register-username', 'chromium_user');
    await page.fill('#register-password', 'a-long-password');
    await page.click('#register-submit');
    const tokens = await client.exchange(await callback, request);
    expect((await client.userinfo(tokens.access_token)).username).toBe('chromium_user');
  });

  it('speaks Thai with ui_locales=th and English with ui_locales=en', async () => {
    const thai = await client.authorizationRequest({ direct_sign_in: '', ui_locales: 'th' });
    await page.goto(thai.url);
    await page.locator('#sign-in-page').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('th');
    await expect(page.locator('#page-title').textContent()).resolves.toBe('ลงชื่อเข้าใช้ hflogin');
    await expect(page.locator('#social-huggingface').textContent()).resolves.toBe(
      'ดำเนินการต่อด้วย Hugging Face',
    );
    // With HFLOGIN_TEST_ARTIFACTS set, keep a picture for a person to look at.
    if (process.env.HFLOGIN_TEST_ARTIFACTS) {
      await page.screenshot({ path: `${process.env.HFLOGIN_TEST_ARTIFACTS}/sign-in-th.png` });
    }

    const english = await client.authorizationRequest({ direct_sign_in: '', ui_locales: 'en' });
    await page.goto(english.url);
    await page.locator('#sign-in-page').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('#page-title').textContent()).resolves.toBe('Sign in to hflogin');
  });

  it('follows the browser language when ui_locales is absent, and ignores ui_locales when another parameter is invalid', async () => {
    const thaiBrowser = await browser.newContext({ locale: 'th-TH' });
    try {
      const thaiPage = await thaiBrowser.newPage();
      const request = await client.authorizationRequest({ direct_sign_in: '' });
      await thaiPage.goto(request.url);
      await thaiPage.locator('#sign-in-page').waitFor();
      expect(await thaiPage.getAttribute('html', 'lang')).toBe('th');
    } finally {
      await thaiBrowser.close();
    }
    const invalid = await client.authorizationRequest({ ui_locales: 'th', first_screen: 'nonsense' });
    await page.goto(invalid.url);
    await page.locator('#sign-in-page').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('returns access_denied to the app when the person clicks Deny at Hugging Face', async () => {
    const request = await client.authorizationRequest();
    const callback = captureRedirect(context, client.redirectUri);
    await page.goto(request.url);
    await page.click('#hf-deny');
    const url = await callback;
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(request.state);
  });

  it('runs the device flow through the device pages', async () => {
    const deviceClient = await TestClient.discover(emulator, emulator.deviceAppId);
    const response = await fetch(deviceClient.as.device_authorization_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: emulator.deviceAppId,
        scope: 'openid offline_access profile',
        direct_sign_in: 'social:huggingface',
      }),
    });
    const device = (await response.json()) as Record<string, string>;

    await page.goto(device.verification_uri!);
    await page.locator('#device-page').waitFor();
    await page.fill('#device-user-code', device.user_code!);
    await page.click('#device-submit');
    await page.locator('#device-confirm-page').waitFor();
    await expect(page.locator('#device-user-code-shown').textContent()).resolves.toBe(device.user_code);
    await page.click('#device-confirm');
    await page.click('#hf-user-alice-hf');
    await page.locator('#device-success-page').waitFor();

    const tokenResponse = await fetch(deviceClient.as.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code!,
        client_id: emulator.deviceAppId,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    expect(await tokenResponse.json()).toHaveProperty('refresh_token');
  });
});
