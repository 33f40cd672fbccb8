import { usageError } from '../io/errors.js';
import { organizationIdParameter, organizationScopes } from './organizations.js';
import { refreshTokenPrompt, requestedScopes } from './scopes.js';

/**
 * Logto's authorization parameters: what the person chose, its defaults, its validation, and the one
 * builder both ways of signing in use.
 * Logto source: packages/schemas/src/consts/oidc.ts (ExtraParamsKey: direct_sign_in, first_screen,
 * organization_id, login_hint, ui_locales; FirstScreen; extraParamsObjectGuard) and
 * packages/core/src/oidc/init.ts (the extra parameters oidc-provider accepts).
 */

/** What the person asked Logto for: the same whichever way they sign in. */
export interface SignInChoices {
  /** Social connector target for `direct_sign_in=social:<target>`; `false` shows Logto's own page. */
  connector: string | false;
  signUp: boolean;
  /** Extra scopes, added to the defaults. */
  scopes: string[];
  resources: string[];
  organizationId: string | undefined;
  loginHint: string | undefined;
  prompt: string;
  uiLocales: string | undefined;
}

/** What `hflogin login` asks for with no options: Hugging Face preselected, the default scopes. */
export function signInChoices(overrides: Partial<SignInChoices> = {}): SignInChoices {
  return {
    connector: 'huggingface',
    signUp: false,
    scopes: [],
    resources: [],
    organizationId: undefined,
    loginHint: undefined,
    prompt: refreshTokenPrompt,
    uiLocales: undefined,
    ...overrides,
  };
}

/** The scopes a sign-in with these choices asks for (scopes.ts, plus what an organization needs). */
export function choiceScopes(choices: SignInChoices): string[] {
  return requestedScopes(choices.scopes, organizationScopes(choices.organizationId));
}

/**
 * The one place that turns the person's choices into Logto's authorization parameters, for both
 * the browser's authorization URL and the device authorization (RFC 8628 §3.1), which Logto hands
 * to the same sign-in experience. Only the protocol's own values (client_id, redirect_uri, PKCE,
 * state, prompt…) are added by each flow. `resource` is repeated, once per API (RFC 8707 §2).
 * `direct_sign_in=social:<target>` skips Logto's page for that connector; `first_screen=register`
 * opens on sign-up (FirstScreen.Register).
 */
export function logtoAuthorizationParameters(choices: SignInChoices): URLSearchParams {
  const params = new URLSearchParams();
  params.set('scope', choiceScopes(choices).join(' '));
  if (choices.connector !== false) params.set('direct_sign_in', `social:${choices.connector}`);
  if (choices.signUp) params.set('first_screen', 'register');
  if (choices.loginHint) params.set('login_hint', choices.loginHint);
  if (choices.uiLocales) params.set('ui_locales', choices.uiLocales);
  if (choices.organizationId) params.set(organizationIdParameter, choices.organizationId);
  for (const resource of choices.resources) params.append('resource', resource);
  return params;
}

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token
/** A connector's target, as Logto's connector metadata names it (e.g. `huggingface`). */
export const connectorTarget = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const organizationIdPattern = /^[A-Za-z0-9_-]{1,128}$/;
const languageTag = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
const prompts = new Set(['none', 'login', 'consent', 'select_account']);

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. */
export function validateResource(resource: string): void {
  let url: URL | undefined;
  try {
    url = new URL(resource);
  } catch {
    url = undefined;
  }
  if (!url || url.hash || resource.includes('#')) {
    throw usageError(
      `"${resource}" is not a resource indicator.`,
      'Pass the API identifier, e.g. --resource https://api.example.com',
    );
  }
}

/** A Logto organization ID: a plain token (Logto generates them; no spaces or punctuation). */
export function validateOrganizationId(organizationId: string): void {
  if (!organizationIdPattern.test(organizationId)) {
    throw usageError(
      `"${organizationId}" is not an organization ID.`,
      'Pass the ID Logto Console shows under Organizations (letters and digits, e.g. --organization 4j2x9k1m0p3q).',
    );
  }
}

/**
 * Checks every value before it is sent: Logto validates its extra parameters as one object
 * (extraParamsObjectGuard) and silently drops *all* of them when one is invalid, so a typo would
 * quietly lose direct_sign_in as well.
 */
export function validateChoices(choices: SignInChoices): SignInChoices {
  if (choices.connector !== false && !connectorTarget.test(choices.connector)) {
    throw usageError(
      `"${choices.connector}" is not a connector target.`,
      'Use the target name, e.g. --connector huggingface.',
    );
  }
  for (const scope of choices.scopes) {
    if (!scopeToken.test(scope))
      throw usageError(
        `"${scope}" is not a valid scope.`,
        'A scope is one word without spaces or quotes, e.g. --scope read:models; repeat --scope for more.',
      );
  }
  for (const resource of choices.resources) validateResource(resource);
  if (choices.organizationId !== undefined) validateOrganizationId(choices.organizationId);
  if (
    choices.loginHint !== undefined &&
    (choices.loginHint === '' || choices.loginHint.length > 256 || /[\p{Cc}]/u.test(choices.loginHint))
  ) {
    throw usageError(
      '--login-hint must be 1 to 256 printable characters.',
      'Pass the username or email to pre-fill, e.g. --login-hint alice@example.com',
    );
  }
  const promptValues = choices.prompt.split(' ').filter(Boolean);
  if (
    promptValues.length === 0 ||
    promptValues.some((value) => !prompts.has(value)) ||
    (promptValues.includes('none') && promptValues.length > 1)
  ) {
    throw usageError(
      `"${choices.prompt}" is not a valid prompt.`,
      'Use consent (the default), login, select_account or none.',
    );
  }
  if (
    choices.uiLocales !== undefined &&
    !choices.uiLocales.split(' ').every((tag) => languageTag.test(tag))
  ) {
    throw usageError(
      `"${choices.uiLocales}" is not a list of language tags.`,
      'Set LANG (or LC_ALL) to a locale such as th_TH.UTF-8 or en_US.UTF-8, or unset it.',
    );
  }
  return choices;
}

/**
 * The person's language for Logto's pages (`ui_locales`), from the POSIX locale
 * (LC_ALL > LC_MESSAGES > LANG): `th_TH.UTF-8` → `th`. C and POSIX say nothing about language.
 */
export function uiLocalesFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  if (!locale) return undefined;
  const language = locale.split(/[_.@-]/)[0]?.toLowerCase();
  if (!language || language === 'c' || language === 'posix' || !/^[a-z]{2,3}$/.test(language))
    return undefined;
  return language;
}
