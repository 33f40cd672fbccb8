/** The languages hflogin's own pages speak: Logto's pages speak many, and these two are tested. */
export type Locale = 'en' | 'th';

/**
 * Every fixed text of the loopback pages. `{account}` is filled in (escaped) by the page. The
 * provider's and hflogin's error messages shown on a failure page stay as the terminal shows them.
 */
const en = {
  signedInTitle: 'Signed in as {account}',
  signedInText: 'Signed in as {account} — you can close this tab and return to your terminal.',
  failedTitle: 'Sign-in failed',
  seeTerminal: 'Return to your terminal for details.',
  strayTitle: 'Nothing here — hflogin is waiting for the sign-in',
  strayText:
    'This address only receives the sign-in’s answer from your browser. Finish signing in in the tab hflogin opened; you can close this one.',
  strayAfterTitle: 'Nothing here',
  strayAfterText:
    'This address only received the sign-in’s answer, and the sign-in is over. You can close this tab.',
  ignoredTitle: 'Ignored — hflogin is still waiting for the sign-in',
  ignoredState: 'This callback does not belong to the sign-in in progress, so it was ignored.',
  ignoredUnbound:
    'This callback did not come through the browser window this sign-in opened, so it was ignored.',
  ignoredUnboundHint:
    'If you signed in in another browser on purpose, paste this page’s address into the terminal.',
  completedTitle: 'Sign-in already completed',
  completedText: 'This sign-in has already been completed. You can close this tab.',
  notReadyTitle: 'Not ready yet',
  notReadyText: 'This sign-in is not ready yet. Reload this page in a moment.',
  stoppedTitle: 'Sign-in stopped',
  linkReused: 'This sign-in link was already used, so the sign-in was stopped.',
  linkReusedHint: 'Someone else may have opened it. Run hflogin login again.',
  refusedTitle: 'Request refused',
  methodNotAllowed: 'Only GET is answered here: this address is for your browser.',
  badHost: 'Unexpected Host header: this server answers only http://127.0.0.1.',
  badRequest: 'Bad request: the address could not be read.',
};

export type Phrase = keyof typeof en;

/** Every phrase, in natural Thai (the type makes a missing one a compile error). */
const th: Record<Phrase, string> = {
  signedInTitle: 'ลงชื่อเข้าใช้เป็น {account} แล้ว',
  signedInText: 'ลงชื่อเข้าใช้เป็น {account} แล้ว — ปิดแท็บนี้แล้วกลับไปที่เทอร์มินัลได้เลย',
  failedTitle: 'ลงชื่อเข้าใช้ไม่สำเร็จ',
  seeTerminal: 'ดูรายละเอียดได้ที่เทอร์มินัลของคุณ',
  strayTitle: 'ไม่มีอะไรที่นี่ — hflogin กำลังรอการลงชื่อเข้าใช้',
  strayText:
    'ที่อยู่นี้ใช้รับผลตอบกลับของการลงชื่อเข้าใช้จากเบราว์เซอร์ของคุณเท่านั้น โปรดลงชื่อเข้าใช้ให้เสร็จในแท็บที่ hflogin เปิดไว้ ส่วนแท็บนี้ปิดได้เลย',
  strayAfterTitle: 'ไม่มีอะไรที่นี่',
  strayAfterText: 'ที่อยู่นี้ใช้รับผลตอบกลับของการลงชื่อเข้าใช้เท่านั้น และการลงชื่อเข้าใช้จบไปแล้ว ปิดแท็บนี้ได้เลย',
  ignoredTitle: 'ละเว้นผลตอบกลับนี้แล้ว — hflogin ยังรอการลงชื่อเข้าใช้อยู่',
  ignoredState: 'ผลตอบกลับนี้ไม่ได้เป็นของการลงชื่อเข้าใช้ที่กำลังดำเนินอยู่ จึงถูกละเว้น',
  ignoredUnbound: 'ผลตอบกลับนี้ไม่ได้มาจากหน้าต่างเบราว์เซอร์ที่การลงชื่อเข้าใช้นี้เปิดไว้ จึงถูกละเว้น',
  ignoredUnboundHint: 'หากคุณตั้งใจลงชื่อเข้าใช้ในเบราว์เซอร์อื่น ให้คัดลอกที่อยู่ของหน้านี้ไปวางในเทอร์มินัล',
  completedTitle: 'ลงชื่อเข้าใช้เสร็จไปแล้ว',
  completedText: 'การลงชื่อเข้าใช้นี้เสร็จสมบูรณ์ไปแล้ว ปิดแท็บนี้ได้เลย',
  notReadyTitle: 'ยังไม่พร้อม',
  notReadyText: 'การลงชื่อเข้าใช้นี้ยังไม่พร้อม โปรดโหลดหน้านี้ใหม่อีกครั้งในอีกสักครู่',
  stoppedTitle: 'หยุดการลงชื่อเข้าใช้แล้ว',
  linkReused: 'ลิงก์ลงชื่อเข้าใช้นี้ถูกเปิดไปแล้ว จึงหยุดการลงชื่อเข้าใช้',
  linkReusedHint: 'อาจมีคนอื่นเปิดลิงก์นี้ โปรดเรียกใช้ hflogin login อีกครั้ง',
  refusedTitle: 'ปฏิเสธคำขอ',
  methodNotAllowed: 'ที่อยู่นี้ตอบเฉพาะคำขอ GET เท่านั้น เพราะมีไว้สำหรับเบราว์เซอร์ของคุณ',
  badHost: 'ส่วนหัว Host ไม่ถูกต้อง: เซิร์ฟเวอร์นี้ตอบเฉพาะ http://127.0.0.1 เท่านั้น',
  badRequest: 'คำขอไม่ถูกต้อง: อ่านที่อยู่นี้ไม่ได้',
};

const phrases: Record<Locale, Record<Phrase, string>> = { en, th };

/** Every phrase's name (for tests that check each one in each language). */
export const phraseNames = Object.keys(en) as Phrase[];

/** The fixed text `key` in `locale`, placeholders left as they are (the page fills them in). */
export function phrase(locale: Locale, key: Phrase): string {
  return phrases[locale][key];
}

/**
 * The language of the page answering one request to the loopback, chosen as Logto chooses its own
 * pages', which the same tab has just shown: the `ui_locales` this sign-in sent (hflogin sends the
 * terminal's language, LC_ALL > LC_MESSAGES > LANG: src/logto/authorizationParameters.ts), then the
 * browser's languages (Logto's sign-in experience detects them by default; the browser sends the
 * same list as Accept-Language), then English. Not the terminal's language alone: with paste-back or
 * `ssh -L`, the browser is on another machine, used by the same person in their own language.
 */
export function pageLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  const candidates = [...(uiLocales ?? '').split(/\s+/), ...byPreference(acceptLanguage ?? '')];
  for (const candidate of candidates) {
    const language = candidate.toLowerCase().split(/[-_]/)[0];
    if (language === 'en' || language === 'th') return language;
  }
  return 'en';
}

/**
 * Accept-Language's languages, most preferred first (RFC 9110 §12.5.4: by `q`, which defaults to 1;
 * in the order given among equals; `q=0` means "not acceptable").
 */
function byPreference(header: string): string[] {
  return header
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...parameters] = entry.split(';').map((part) => part.trim());
      const q = parameters.find((parameter) => /^q=/i.test(parameter));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== '' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}
