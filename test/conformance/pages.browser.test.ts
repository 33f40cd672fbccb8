import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';

import { captureRedirect, chromiumAvailability, useChromium } from '../helpers/chromium.js';
import { TestClient, useTestClient } from '../helpers/oidcClient.js';

const { skip } = chromiumAvailability();

/** The experience pages through real headless Chromium, clicked by their stable ids. */
describe.skipIf(skip)('experience pages in Chromium', () => {
  const { emulator, client } = useTestClient();
  // An English browser, so that only ui_locales (or the Thai context below) makes a page Thai.
  const chromium = useChromium({ locale: 'en-US' });
  afterEach(() => {
    emulator.options.huggingFaceConnector = true;
  });

  /** Opens an authorization request in the page, its redirect back to the client captured. */
  async function openSignIn(params: Record<string, string> = {}) {
    const request = await client.authorizationRequest(params);
    const callback = captureRedirect(chromium.context, client.redirectUri);
    await chromium.page.goto(request.url);
    return { request, callback };
  }

  /** The userinfo of whoever the sign-in opened by openSignIn() ended up signing in. */
  async function signedInUser({ request, callback }: Awaited<ReturnType<typeof openSignIn>>) {
    const tokens = await client.exchange(await callback, request);
    return client.userinfo(tokens.access_token);
  }

  /** The language (html lang) of the sign-in page that an authorization request with `params` shows. */
  async function signInPageLanguage(page: Page, params: Record<string, string>) {
    const request = await client.authorizationRequest(params);
    await page.goto(request.url);
    await page.locator('#sign-in-page').waitFor();
    return page.getAttribute('html', 'lang');
  }

  it('goes straight to Hugging Face with direct_sign_in, never showing the Logto sign-in page', async () => {
    const signIn = await openSignIn();
    await chromium.page.locator('#hf-authorize-page').waitFor();
    await chromium.page.click('#hf-user-alice-hf');
    const user = await signedInUser(signIn);
    expect(chromium.visited).not.toContain('/sign-in');
    expect(chromium.visited).toContain('/oauth/authorize');
    expect(user.name).toBe('Alice Ng');
  });

  it("shows Logto's sign-in page without direct_sign_in, with password fields and the Hugging Face button", async () => {
    const { page } = chromium;
    const signIn = await openSignIn({ direct_sign_in: '' });
    await page.locator('#sign-in-page').waitFor();
    await expect(page.locator('#identifier').isVisible()).resolves.toBe(true);
    await expect(page.locator('#password').isVisible()).resolves.toBe(true);
    await expect(page.locator('#social-huggingface').textContent()).resolves.toBe(
      'Continue with Hugging Face',
    );
    await page.click('#social-huggingface');
    await page.click('#hf-user-somchai-hf');
    expect((await signedInUser(signIn)).name).toBe('สมชาย ใจดี');
  });

  it('falls back to the sign-in page when the connector is disabled; password sign-in works there', async () => {
    const { page } = chromium;
    emulator.options.huggingFaceConnector = false;
    const signIn = await openSignIn({ login_hint: 'lee' });
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
    expect((await signedInUser(signIn)).sub).toBe('u2lee0000002');
  });

  it('opens the sign-up page with first_screen=register', async () => {
    const { page } = chromium;
    const signIn = await openSignIn({ direct_sign_in: '', first_screen: 'register' });
    await page.locator('#register-page').waitFor();
    await page.fill('#register-username', 'chromium_user');
    await page.fill('#register-password', 'a-long-password');
    await page.click('#register-submit');
    expect((await signedInUser(signIn)).username).toBe('chromium_user');
  });

  it('speaks Thai with ui_locales=th and English with ui_locales=en', async () => {
    const { page } = chromium;
    expect(await signInPageLanguage(page, { direct_sign_in: '', ui_locales: 'th' })).toBe('th');
    await expect(page.locator('#page-title').textContent()).resolves.toBe('ลงชื่อเข้าใช้ hflogin');
    await expect(page.locator('#social-huggingface').textContent()).resolves.toBe(
      'ดำเนินการต่อด้วย Hugging Face',
    );
    // With HFLOGIN_TEST_ARTIFACTS set, keep a picture for a person to look at.
    if (process.env.HFLOGIN_TEST_ARTIFACTS) {
      await page.screenshot({ path: `${process.env.HFLOGIN_TEST_ARTIFACTS}/sign-in-th.png` });
    }

    expect(await signInPageLanguage(page, { direct_sign_in: '', ui_locales: 'en' })).toBe('en');
    await expect(page.locator('#page-title').textContent()).resolves.toBe('Sign in to hflogin');
  });

  it('follows the browser language when ui_locales is absent, and ignores ui_locales when another parameter is invalid', async () => {
    const thaiBrowser = await chromium.browser.newContext({ locale: 'th-TH' });
    try {
      const thaiPage = await thaiBrowser.newPage();
      expect(await signInPageLanguage(thaiPage, { direct_sign_in: '' })).toBe('th');
    } finally {
      await thaiBrowser.close();
    }
    // The invalid first_screen drops every extra parameter: direct_sign_in and ui_locales too.
    expect(await signInPageLanguage(chromium.page, { ui_locales: 'th', first_screen: 'nonsense' })).toBe(
      'en',
    );
  });

  it('returns access_denied to the app when the person clicks Deny at Hugging Face', async () => {
    const { request, callback } = await openSignIn();
    await chromium.page.click('#hf-deny');
    const url = await callback;
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(request.state);
  });

  it('runs the device flow through the device pages', async () => {
    const { page } = chromium;
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
