import { escapeHtml } from './http.js';
import { translate, type Locale, type Phrase } from './i18n.js';

/**
 * HTML for the emulator's pages. Every element a browser test touches has a stable id;
 * everything interpolated is escaped.
 */
const style = `
body{font-family:system-ui,sans-serif;background:#f5f5f7;margin:0;display:flex;justify-content:center}
main{background:#fff;margin-top:48px;padding:32px 40px;border-radius:16px;width:360px;box-shadow:0 2px 12px #0002}
h1{font-size:20px}label{display:block;margin:12px 0 4px;font-size:14px}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #ccc;border-radius:8px;font-size:15px}
button{width:100%;padding:10px;margin-top:16px;border:0;border-radius:8px;font-size:15px;cursor:pointer;background:#5d34f2;color:#fff}
button.secondary{background:#eee;color:#222}.error{color:#c00}.divider{text-align:center;color:#888;margin-top:16px}
code{font-size:24px;letter-spacing:4px}`;

function layout(locale: Locale, pageId: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body><main id="${pageId}" data-locale="${locale}"><h1 id="page-title">${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

function errorLine(message: string | undefined): string {
  return message ? `<p id="error-message" class="error" role="alert">${escapeHtml(message)}</p>` : '';
}

/** What the sign-in and the sign-up page both take. */
export interface AccountPageInput {
  locale: Locale;
  uid: string;
  appName: string;
  /** Social connectors shown as buttons: target → display name. */
  connectors: Array<{ target: string; name: string }>;
  /** Pre-fills the identifier on the sign-in page; the sign-up page asks for a new username. */
  loginHint?: string;
  error?: string;
}

export type AccountScreen = 'sign-in' | 'register';

/**
 * What tells Logto's sign-in and sign-up pages apart. The rest is one page: a username and password
 * form, the social buttons, and a link to the other of the two. Ids follow the screen's name
 * (`sign-in-page`, `register-form`, `go-register`…), except the sign-in fields, which are Logto's.
 */
const accountScreens: Record<
  AccountScreen,
  {
    title: Phrase;
    nameField: { id: string; name: string; label: Phrase; prefilled: boolean };
    password: { id: string; autocomplete: 'current-password' | 'new-password' };
    submit: Phrase;
    switchTo: { screen: AccountScreen; question: Phrase; link: Phrase };
  }
> = {
  'sign-in': {
    title: 'signInTitle',
    nameField: { id: 'identifier', name: 'identifier', label: 'identifier', prefilled: true },
    password: { id: 'password', autocomplete: 'current-password' },
    submit: 'signIn',
    switchTo: { screen: 'register', question: 'noAccount', link: 'createAccount' },
  },
  register: {
    title: 'registerTitle',
    nameField: { id: 'register-username', name: 'username', label: 'username', prefilled: false },
    password: { id: 'register-password', autocomplete: 'new-password' },
    submit: 'createAccount',
    switchTo: { screen: 'sign-in', question: 'haveAccount', link: 'signIn' },
  },
};

/** The sign-in or the sign-up page. */
export function accountPage(screen: AccountScreen, input: AccountPageInput): string {
  const { title, nameField, password, submit, switchTo } = accountScreens[screen];
  const t = (key: Phrase, values?: Record<string, string>) =>
    escapeHtml(translate(input.locale, key, values));
  const uid = escapeHtml(input.uid);
  const social = input.connectors
    .map(
      (connector) => `<form method="post" action="/social/${escapeHtml(connector.target)}">
<input type="hidden" name="uid" value="${uid}">
<button id="social-${escapeHtml(connector.target)}" class="secondary" type="submit">${t('continueWith', {
        connector: connector.name,
      })}</button></form>`,
    )
    .join('\n');
  const prefill = nameField.prefilled ? ` value="${escapeHtml(input.loginHint ?? '')}"` : '';
  return layout(
    input.locale,
    `${screen}-page`,
    translate(input.locale, title, { app: input.appName }),
    `${errorLine(input.error)}
<form id="${screen}-form" method="post" action="/${screen}">
<input type="hidden" name="uid" value="${uid}">
<label for="${nameField.id}">${t(nameField.label)}</label>
<input id="${nameField.id}" name="${nameField.name}" autocomplete="username"${prefill}>
<label for="${password.id}">${t('password')}</label>
<input id="${password.id}" name="password" type="password" autocomplete="${password.autocomplete}">
<button id="${screen}-submit" type="submit">${t(submit)}</button>
</form>
${social ? `<p class="divider">${t('or')}</p>\n${social}` : ''}
<p>${t(switchTo.question)} <a id="go-${switchTo.screen}" href="/${switchTo.screen}?uid=${encodeURIComponent(input.uid)}">${t(
      switchTo.link,
    )}</a></p>`,
  );
}

export function errorPage(locale: Locale, error: string, description: string | undefined): string {
  return layout(
    locale,
    'error-page',
    translate(locale, 'errorTitle'),
    `<p id="error-code">${escapeHtml(error)}</p><p id="error-description">${escapeHtml(description ?? '')}</p>`,
  );
}

export function deviceInputPage(locale: Locale, form: string, message: string | undefined): string {
  return layout(
    locale,
    'device-page',
    translate(locale, 'deviceTitle'),
    `${errorLine(message)}
<p>${escapeHtml(translate(locale, 'deviceEnterCode'))}</p>
${form}
<button id="device-submit" type="submit" form="op.deviceInputForm">${escapeHtml(translate(locale, 'continue'))}</button>`,
  );
}

export function deviceConfirmPage(locale: Locale, form: string, appName: string, userCode: string): string {
  return layout(
    locale,
    'device-confirm-page',
    translate(locale, 'deviceConfirmTitle'),
    `<p>${escapeHtml(translate(locale, 'deviceConfirmText', { app: appName }))}</p>
<p><code id="device-user-code-shown">${escapeHtml(userCode)}</code></p>
${form}
<button id="device-confirm" type="submit" form="op.deviceConfirmForm">${escapeHtml(translate(locale, 'continue'))}</button>
<button id="device-abort" class="secondary" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">${escapeHtml(
      translate(locale, 'cancel'),
    )}</button>`,
  );
}

export function deviceSuccessPage(locale: Locale): string {
  return layout(
    locale,
    'device-success-page',
    translate(locale, 'deviceTitle'),
    `<p id="device-success">${escapeHtml(translate(locale, 'deviceSuccess'))}</p>`,
  );
}

/**
 * oidc-provider's logout page, as Logto serves it (packages/core/static/html/logout.html): it asks
 * nothing, the form submits itself with `logout=yes` on load, which ends the whole browser session.
 * The emulator's script does the same (and `<noscript>` shows the button instead).
 */
export function logoutPage(locale: Locale, form: string, host: string): string {
  const confirmed = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  return layout(
    locale,
    'logout-page',
    translate(locale, 'signOutTitle', { host }),
    `${confirmed}
<noscript><button id="logout-confirm" type="submit" form="op.logoutForm">${escapeHtml(
      translate(locale, 'signOut'),
    )}</button></noscript>
<script>document.forms[0].submit()</script>`,
  );
}

export function loggedOutPage(locale: Locale): string {
  return layout(locale, 'logged-out-page', translate(locale, 'signedOut'), '');
}

export interface HuggingFaceAuthorizeInput {
  clientName: string;
  scopes: string[];
  users: Array<{ username: string; name: string }>;
  hidden: Record<string, string>;
}

/** Hugging Face's own consent page ("Authorize <app>"), English only like the real one. */
export function huggingFaceAuthorizePage(input: HuggingFaceAuthorizeInput): string {
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const users = input.users
    .map(
      (user) =>
        `<button id="hf-user-${escapeHtml(user.username)}" type="submit" name="user" value="${escapeHtml(
          user.username,
        )}">Authorize as ${escapeHtml(user.name)} (@${escapeHtml(user.username)})</button>`,
    )
    .join('\n');
  return layout(
    'en',
    'hf-authorize-page',
    `Authorize ${input.clientName}`,
    `<p>${escapeHtml(input.clientName)} wants to access your Hugging Face account: ${escapeHtml(input.scopes.join(', '))}.</p>
<form id="hf-authorize-form" method="post" action="/oauth/authorize">
${hidden}
${users}
<button id="hf-deny" class="secondary" type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
