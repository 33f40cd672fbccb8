import { usageError } from '../io/errors.js';
import { logtoAuthorizationParameters, type SignInChoices } from './authorizationParameters.js';

export interface ProtocolValues {
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token
const connectorTarget = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const organizationId = /^[A-Za-z0-9_-]{1,128}$/;
const languageTag = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;
const prompts = new Set(['none', 'login', 'consent', 'select_account']);

/**
 * Checks every value before it is sent: Logto validates its extra parameters as one object and
 * silently drops *all* of them when one is invalid, so a typo would quietly lose
 * direct_sign_in as well.
 */
export function validateChoices(choices: SignInChoices): SignInChoices {
  if (choices.connector !== false && !connectorTarget.test(choices.connector)) {
    throw usageError(
      `"${choices.connector}" is not a connector target.`,
      'Use the target name, e.g. --connector huggingface.',
    );
  }
  for (const scope of choices.scopes) {
    if (!scopeToken.test(scope)) throw usageError(`"${scope}" is not a valid scope.`);
  }
  for (const resource of choices.resources) {
    let url: URL | undefined;
    try {
      url = new URL(resource);
    } catch {
      url = undefined;
    }
    // RFC 8707 §2: an absolute URI without a fragment.
    if (!url || url.hash || resource.includes('#')) {
      throw usageError(
        `"${resource}" is not a resource indicator.`,
        'Pass the API identifier, e.g. --resource https://api.example.com',
      );
    }
  }
  if (choices.organizationId !== undefined && !organizationId.test(choices.organizationId)) {
    throw usageError(`"${choices.organizationId}" is not an organization ID.`);
  }
  if (
    choices.loginHint !== undefined &&
    (choices.loginHint === '' || choices.loginHint.length > 256 || /[\p{Cc}]/u.test(choices.loginHint))
  ) {
    throw usageError('--login-hint must be 1 to 256 printable characters.');
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
    throw usageError(`"${choices.uiLocales}" is not a list of language tags.`);
  }
  return choices;
}

/**
 * The authorization request hflogin sends to Logto in the browser: the protocol's values here, and
 * Logto's parameters from the builder the device flow shares.
 */
export function signInUrl(protocol: ProtocolValues, choices: SignInChoices): URL {
  const url = new URL(protocol.authorizationEndpoint);
  const params = url.searchParams;
  params.set('client_id', protocol.clientId);
  params.set('redirect_uri', protocol.redirectUri);
  params.set('response_type', 'code');
  params.set('prompt', choices.prompt);
  params.set('state', protocol.state);
  params.set('nonce', protocol.nonce);
  params.set('code_challenge', protocol.codeChallenge);
  params.set('code_challenge_method', 'S256');
  for (const [name, value] of logtoAuthorizationParameters(choices)) params.append(name, value);
  return url;
}

/**
 * The person's language for Logto's pages, from the POSIX locale (LC_ALL > LC_MESSAGES > LANG):
 * `th_TH.UTF-8` → `th`. C and POSIX say nothing about language.
 */
export function uiLocalesFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  if (!locale) return undefined;
  const language = locale.split(/[_.@-]/)[0]?.toLowerCase();
  if (!language || language === 'c' || language === 'posix' || !/^[a-z]{2,3}$/.test(language))
    return undefined;
  return language;
}
