import { describe, expect, it } from 'vitest';

import { HttpUserAgent, signInInBrowser } from '../helpers/httpUserAgent.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

const titleOf = (html: string) => /<title>(.*) · hflogin<\/title>/.exec(html)?.[1];
const langOf = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];

/**
 * hflogin's own pages in a whole sign-in: the page the browser lands on speaks its language (or the
 * one hflogin asked Logto's pages to speak), and a stray hit on the loopback says what it is.
 */
describe('the loopback pages of a sign-in follow the locale', () => {
  const emulator = useEmulator();

  /** `hflogin login` whose browser (sending `acceptLanguage`) signs in as `decision` says. */
  async function signIn(
    acceptLanguage: string,
    decision: Record<string, string>,
    env: NodeJS.ProcessEnv = {},
  ) {
    const run = hflogin(fakeHost(env), loginArgs(emulator, '--debug'), { browser: 'stay' });
    await expect.poll(() => run.browser.opened.length).toBe(1);
    const startUrl = run.browser.opened[0]!;
    // A stray hit while the sign-in waits: the browser asking for its icon.
    const stray = await new HttpUserAgent().request(new URL('/favicon.ico', startUrl).href);
    const browser = new HttpUserAgent();
    if (acceptLanguage !== undefined) browser.acceptLanguage = acceptLanguage;
    const page = await signInInBrowser(startUrl, decision, undefined, browser);
    return { run, code: await run.exit, page, stray };
  }

  it('a Thai browser gets the Thai success page', async () => {
    const { code, page, run } = await signIn('th-TH,th;q=0.9,en;q=0.8', { user: 'alice-hf' });
    expect(code).toBe(0);
    expect(page.status).toBe(200);
    expect(langOf(page.body)).toBe('th');
    expect(titleOf(page.body)).toBe('ลงชื่อเข้าใช้เป็น alice-hf แล้ว');
    // --debug shows what the loopback answered, by path only.
    expect(run.stderr()).toMatch(/^debug: loopback GET \/favicon\.ico → 404$/m);
    expect(run.stderr()).toMatch(/^debug: loopback GET \/start\/… → 303$/m);
    expect(run.stderr()).toMatch(/^debug: loopback GET \/callback → 200$/m);
  });

  it.each(['en-US,en;q=0.9', ''])('a browser sending Accept-Language %j gets English', async (languages) => {
    const { code, page, stray } = await signIn(languages, { user: 'alice-hf' });
    expect(code).toBe(0);
    expect(langOf(page.body)).toBe('en');
    expect(titleOf(page.body)).toBe('Signed in as alice-hf');
    expect(stray.status).toBe(404);
    expect(titleOf(stray.body)).toBe('Nothing here — hflogin is waiting for the sign-in');
  });

  it('a Thai terminal (LANG=th_TH.UTF-8) gets Thai pages, as Logto’s follow the ui_locales it sent', async () => {
    const { code, page, stray } = await signIn(
      'en-US,en;q=0.9',
      { user: 'alice-hf' },
      { LANG: 'th_TH.UTF-8' },
    );
    expect(code).toBe(0);
    expect(langOf(page.body)).toBe('th');
    expect(titleOf(page.body)).toBe('ลงชื่อเข้าใช้เป็น alice-hf แล้ว');
    expect(titleOf(stray.body)).toBe('ไม่มีอะไรที่นี่ — hflogin กำลังรอการลงชื่อเข้าใช้');
  });

  it('a refusal at Hugging Face gives the failure page in Thai, hflogin’s own message escaped in it', async () => {
    const { code, page } = await signIn('th', { decision: 'deny' });
    expect(code).toBe(1);
    expect(page.status).toBe(400);
    expect(langOf(page.body)).toBe('th');
    expect(titleOf(page.body)).toBe('ลงชื่อเข้าใช้ไม่สำเร็จ');
    expect(page.body).toContain('ดูรายละเอียดได้ที่เทอร์มินัลของคุณ');
    expect(page.body).toMatch(/<p id="hflogin-error-message">[^<]*access_denied/);
  });
});
