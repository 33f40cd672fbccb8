/** SPEC: `openid offline_access profile email identities`; Logto issues refresh tokens only with
 * offline_access *and* prompt=consent. */
export const defaultScopes = ['openid', 'offline_access', 'profile', 'email', 'identities'];
export const organizationsScope = 'urn:logto:scope:organizations';

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
    prompt: 'consent',
    uiLocales: undefined,
    ...overrides,
  };
}

export function requestedScopes(choices: SignInChoices): string[] {
  const scopes = new Set([...defaultScopes, ...choices.scopes]);
  // Organization tokens need this scope in the grant (Logto refresh-token grant).
  if (choices.organizationId) scopes.add(organizationsScope);
  return [...scopes];
}

/**
 * The one place that turns the person's choices into Logto's authorization parameters, for both
 * the browser's authorization URL and the device authorization (RFC 8628 §3.1), which Logto hands
 * to the same sign-in experience. Only the protocol's own values (client_id, redirect_uri, PKCE,
 * state, prompt…) are added by each flow. `resource` is repeated, once per API (RFC 8707 §2).
 */
export function logtoAuthorizationParameters(choices: SignInChoices): URLSearchParams {
  const params = new URLSearchParams();
  params.set('scope', requestedScopes(choices).join(' '));
  if (choices.connector !== false) params.set('direct_sign_in', `social:${choices.connector}`);
  if (choices.signUp) params.set('first_screen', 'register');
  if (choices.loginHint) params.set('login_hint', choices.loginHint);
  if (choices.uiLocales) params.set('ui_locales', choices.uiLocales);
  if (choices.organizationId) params.set('organization_id', choices.organizationId);
  for (const resource of choices.resources) params.append('resource', resource);
  return params;
}
