import { terminalSafe } from '../io/terminal.js';

/**
 * The pages the loopback server shows in the browser: self-contained (no external resources), with
 * every interpolated value escaped, since provider error text reaches them. Control and bidi
 * characters are spelled out as in the terminal (terminalSafe), so a name cannot reorder the page.
 */
export function escapeHtml(value: string): string {
  return terminalSafe(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(id: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · hflogin</title>
<style>body{font-family:system-ui,sans-serif;display:flex;justify-content:center;margin:0;background:#f6f6f8;color:#1d1d1f}
main{margin-top:15vh;padding:32px 40px;background:#fff;border-radius:16px;box-shadow:0 2px 12px #0002;max-width:480px}
h1{font-size:22px;margin:0 0 12px}p{line-height:1.5}code{background:#f0f0f0;padding:2px 4px;border-radius:4px}</style>
</head><body><main id="${id}"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function successPage(account: string): string {
  return page(
    'hflogin-success',
    `Signed in as ${account}`,
    `<p>Signed in as <strong id="hflogin-account">${escapeHtml(account)}</strong> — you can close this tab and return to your terminal.</p>`,
  );
}

export function errorPage(message: string, hint?: string): string {
  return page(
    'hflogin-error',
    'Sign-in failed',
    `<p id="hflogin-error-message">${escapeHtml(message)}</p>${hint ? `<p>${escapeHtml(hint)}</p>` : ''}<p>Return to your terminal for details.</p>`,
  );
}
