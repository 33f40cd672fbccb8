#!/usr/bin/env node
// A stand-in for a person at a browser, for `npm run demo` on machines without a display: hflogin
// runs it as $BROWSER with the sign-in URL; it opens the URL in headless Chromium, picks the
// emulator's Hugging Face user (HFLOGIN_DEMO_USER, default alice-hf) and waits for hflogin's
// "Signed in" page.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const user = process.env.HFLOGIN_DEMO_USER ?? 'alice-hf';
const browser = await chromium.launch({
  executablePath: process.env.HFLOGIN_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.click(`#hf-user-${user}`, { timeout: 30_000 });
  await page.locator('#hflogin-success, #hflogin-error').waitFor({ timeout: 30_000 });
} finally {
  await browser.close();
}
