import { terminalSafe } from '../io/terminal.js';
import { phrase, type Locale, type Phrase } from './pageText.js';

export type { Locale };

/**
 * The pages the loopback server shows in the browser: self-contained (no external resources), with
 * every interpolated value escaped, since provider error text reaches them. Control and bidi
 * characters are spelled out as in the terminal (terminalSafe), so a name cannot reorder the page.
 * Each speaks the language of the request it answers (pageLocale in pageText.ts).
 */
export function escapeHtml(value: string): string {
  return terminalSafe(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(locale: Locale, id: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · hflogin</title>
<style>body{font-family:system-ui,sans-serif;display:flex;justify-content:center;margin:0;background:#f6f6f8;color:#1d1d1f}
main{margin-top:15vh;padding:32px 40px;background:#fff;border-radius:16px;box-shadow:0 2px 12px #0002;max-width:480px}
h1{font-size:22px;margin:0 0 12px}p{line-height:1.5}code{background:#f0f0f0;padding:2px 4px;border-radius:4px}</style>
</head><body><main id="${id}"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** A fixed text as HTML, `{account}` replaced by the given (already escaped) HTML. */
function filled(locale: Locale, key: Phrase, accountHtml = ''): string {
  return phrase(locale, key)
    .split('{account}')
    .map((part) => escapeHtml(part))
    .join(accountHtml);
}

const paragraph = (html: string) => `<p>${html}</p>`;

/** The sign-in worked. */
export function successPage(locale: Locale, account: string): string {
  return page(
    locale,
    'hflogin-success',
    phrase(locale, 'signedInTitle').replace('{account}', account),
    paragraph(filled(locale, 'signedInText', `<strong id="hflogin-account">${escapeHtml(account)}</strong>`)),
  );
}

/** The sign-in failed: hflogin's message and hint, as the terminal shows them. */
export function failurePage(locale: Locale, message: string, hint?: string): string {
  return page(
    locale,
    'hflogin-error',
    phrase(locale, 'failedTitle'),
    `<p id="hflogin-error-message">${escapeHtml(message)}</p>${hint ? paragraph(escapeHtml(hint)) : ''}${paragraph(filled(locale, 'seeTerminal'))}`,
  );
}

/**
 * A request to the loopback that is no callback (`/`, `/favicon.ico`, a guessed `/start/…`): nothing
 * is wrong with the sign-in, which goes on waiting (`waiting`), or is already over.
 */
export function strayPage(locale: Locale, waiting: boolean): string {
  return page(
    locale,
    'hflogin-stray',
    phrase(locale, waiting ? 'strayTitle' : 'strayAfterTitle'),
    paragraph(filled(locale, waiting ? 'strayText' : 'strayAfterText')),
  );
}

/** A callback hflogin did not take; the sign-in goes on waiting for its own. */
export function ignoredPage(locale: Locale, reason: 'state' | 'unbound'): string {
  const text =
    reason === 'state'
      ? paragraph(filled(locale, 'ignoredState'))
      : paragraph(filled(locale, 'ignoredUnbound')) + paragraph(filled(locale, 'ignoredUnboundHint'));
  return page(locale, 'hflogin-ignored', phrase(locale, 'ignoredTitle'), text);
}

/** What the loopback says about a request it does not serve, or not now. */
export type Notice = 'methodNotAllowed' | 'badHost' | 'badRequest' | 'completed' | 'notReady' | 'linkReused';

const notices: Record<Notice, { id: string; title: Phrase; text: Phrase[] }> = {
  methodNotAllowed: { id: 'hflogin-refused', title: 'refusedTitle', text: ['methodNotAllowed'] },
  badHost: { id: 'hflogin-refused', title: 'refusedTitle', text: ['badHost'] },
  badRequest: { id: 'hflogin-refused', title: 'refusedTitle', text: ['badRequest'] },
  completed: { id: 'hflogin-completed', title: 'completedTitle', text: ['completedText'] },
  notReady: { id: 'hflogin-not-ready', title: 'notReadyTitle', text: ['notReadyText'] },
  // The sign-in is stopped: a failure, as the terminal reports it.
  linkReused: { id: 'hflogin-error', title: 'stoppedTitle', text: ['linkReused', 'linkReusedHint'] },
};

export function noticePage(locale: Locale, notice: Notice): string {
  const { id, title, text } = notices[notice];
  return page(locale, id, phrase(locale, title), text.map((key) => paragraph(filled(locale, key))).join(''));
}
