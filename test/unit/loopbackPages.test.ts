import { request } from 'node:http';

import { describe, expect, it } from 'vitest';

import { startCallbackServer } from '../../src/loopback/callbackServer.js';
import { failurePage, ignoredPage, noticePage, strayPage, successPage } from '../../src/loopback/pages.js';
import { pageLocale, phrase, phraseNames } from '../../src/loopback/pageText.js';

const start = { id: 'start-id', binding: 'the-binding', onReplay: () => {} };

function get(port: number, path: string, acceptLanguage?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const titleOf = (html: string) => /<title>(.*) · hflogin<\/title>/.exec(html)?.[1];
const langOf = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];
const idOf = (html: string) => /<main id="([^"]+)">/.exec(html)?.[1];

/** hflogin's own pages (the loopback's) speak the browser's language, English or Thai, as Logto's do. */
describe('loopback pages in English and Thai', () => {
  it.each([
    // The sign-in's ui_locales first (what Logto's own pages follow), then Accept-Language, then English.
    [undefined, undefined, 'en'],
    [undefined, 'th', 'th'],
    [undefined, 'th-TH,th;q=0.9,en-US;q=0.8,en;q=0.7', 'th'],
    [undefined, 'en-GB,en;q=0.9,th;q=0.8', 'en'],
    [undefined, 'fr-FR, de;q=0.9', 'en'],
    [undefined, 'fr, th;q=0.5, en;q=0.4', 'th'],
    [undefined, 'en;q=0.5, th', 'th'],
    [undefined, 'th;q=0, en', 'en'],
    [undefined, 'TH_th', 'th'],
    ['th', 'en', 'th'],
    ['en', 'th', 'en'],
    ['fr th', 'en', 'th'],
    ['fr', 'th', 'th'],
  ] as const)('ui_locales %j, Accept-Language %j → %s', (uiLocales, acceptLanguage, locale) => {
    expect(pageLocale(uiLocales, acceptLanguage)).toBe(locale);
  });

  it('has every text in Thai, in Thai script', () => {
    for (const name of phraseNames) {
      expect(phrase('th', name), name).toMatch(/[\u0E00-\u0E7F]/);
      expect(phrase('th', name).includes('{account}'), name).toBe(phrase('en', name).includes('{account}'));
    }
  });

  it('titles each page as what it is, in either language', () => {
    expect(titleOf(successPage('en', 'alice-hf'))).toBe('Signed in as alice-hf');
    expect(titleOf(successPage('th', 'alice-hf'))).toBe('ลงชื่อเข้าใช้เป็น alice-hf แล้ว');
    expect(titleOf(failurePage('en', 'access_denied'))).toBe('Sign-in failed');
    expect(titleOf(failurePage('th', 'access_denied'))).toBe('ลงชื่อเข้าใช้ไม่สำเร็จ');
    expect(titleOf(strayPage('en', true))).toBe('Nothing here — hflogin is waiting for the sign-in');
    expect(titleOf(strayPage('th', true))).toBe('ไม่มีอะไรที่นี่ — hflogin กำลังรอการลงชื่อเข้าใช้');
    expect(titleOf(strayPage('en', false))).toBe('Nothing here');
    expect(titleOf(ignoredPage('en', 'state'))).toBe('Ignored — hflogin is still waiting for the sign-in');
    expect(titleOf(ignoredPage('th', 'unbound'))).toBe('ละเว้นผลตอบกลับนี้แล้ว — hflogin ยังรอการลงชื่อเข้าใช้อยู่');
    expect(titleOf(noticePage('en', 'completed'))).toBe('Sign-in already completed');
    expect(titleOf(noticePage('th', 'linkReused'))).toBe('หยุดการลงชื่อเข้าใช้แล้ว');
    for (const html of [strayPage('th', true), ignoredPage('th', 'state'), noticePage('th', 'notReady')])
      expect(html).not.toContain(phrase('th', 'failedTitle'));
  });

  it('escapes outside text in both languages: the account, the message and the hint', () => {
    for (const locale of ['en', 'th'] as const) {
      const html =
        successPage(locale, '<img src=x onerror=alert(1)>') +
        failurePage(locale, '<script>alert(1)</script> & "quotes"', "<a href='x'>hint</a>");
      expect(html).not.toMatch(/<script>|<img|<a /);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(html).toContain('<strong id="hflogin-account">&lt;img src=x onerror=alert(1)&gt;</strong>');
      expect(html).toContain('&lt;a href=&#39;x&#39;&gt;hint&lt;/a&gt;');
      expect(titleOf(successPage(locale, '</title><script>'))).toContain('&lt;/title&gt;&lt;script&gt;');
    }
  });

  it('answers a stray hit while waiting as what it is, in the language of the request', async () => {
    const server = await startCallbackServer({ port: 0, start, filter: () => ({ take: true }) });
    try {
      for (const [path, acceptLanguage, locale] of [
        ['/', 'th-TH,th;q=0.9', 'th'],
        ['/favicon.ico', 'th', 'th'],
        ['/', undefined, 'en'],
        ['/favicon.ico', 'en-US', 'en'],
        ['/start/guessed', 'th', 'th'],
      ] as const) {
        const answer = await get(server.port, path, acceptLanguage);
        expect(answer.status).toBe(404);
        expect(langOf(answer.body)).toBe(locale);
        expect(idOf(answer.body)).toBe('hflogin-stray');
        expect(titleOf(answer.body)).toBe(phrase(locale, 'strayTitle'));
      }
    } finally {
      await server.close();
    }
  });

  it('follows the sign-in’s ui_locales before the browser’s languages', async () => {
    const server = await startCallbackServer({
      port: 0,
      start,
      uiLocales: 'th',
      filter: () => ({ take: true }),
    });
    try {
      expect(langOf((await get(server.port, '/', 'en-US,en;q=0.9')).body)).toBe('th');
    } finally {
      await server.close();
    }
  });

  it('hands the filter and the accepted callback the language of the callback request', async () => {
    const seen: string[] = [];
    const server = await startCallbackServer({
      port: 0,
      start,
      filter: (params, _browser, locale) => {
        seen.push(locale);
        return params.get('state') === 'good'
          ? { take: true }
          : { take: false, page: { status: 400, html: ignoredPage(locale, 'state') } };
      },
    });
    try {
      const ignored = await get(server.port, '/callback?state=bad', 'th');
      expect(titleOf(ignored.body)).toBe(phrase('th', 'ignoredTitle'));
      const genuine = get(server.port, '/callback?state=good', 'th,en;q=0.5');
      const accepted = await server.callback;
      expect(accepted.locale).toBe('th');
      await accepted.respond({ status: 200, html: successPage(accepted.locale, 'alice-hf') });
      expect(langOf((await genuine).body)).toBe('th');
      expect(seen).toEqual(['th', 'th']);
      // After the callback is taken: not "waiting" any more.
      expect(titleOf((await get(server.port, '/', 'en')).body)).toBe('Nothing here');
    } finally {
      await server.close();
    }
  });
});
