/**
 * Logto's extra authorization parameters (packages/schemas/src/consts/oidc.ts, ExtraParamsKey) and
 * how its `interactions.url` turns them into the experience URL (packages/core/src/oidc/utils.ts,
 * buildLoginPromptUrl).
 *
 * Logto validates them as one object: if any one is invalid (an unknown first_screen, a repeated
 * parameter…), the whole object is dropped and the experience gets none of them.
 */
export const extraParamKeys = [
  'interaction_mode',
  'first_screen',
  'direct_sign_in',
  'organization_id',
  'login_hint',
  'ui_locales',
  'identifier',
  'one_time_token',
  'google_one_tap_credential',
] as const;

export type ExtraParams = Partial<Record<(typeof extraParamKeys)[number], string>>;

const interactionModes = new Set(['signIn', 'signUp']);
const firstScreens = new Set([
  'sign_in',
  'register',
  'reset_password',
  'identifier:sign_in',
  'identifier:register',
  'single_sign_on',
  'signIn',
]);

/** The extra parameters if all are valid, otherwise `{}` (Logto's `trySafe(parse) ?? {}`). */
export function validateExtraParams(params: Record<string, unknown>): ExtraParams {
  const valid: ExtraParams = {};
  for (const key of extraParamKeys) {
    const value = params[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return {};
    if (key === 'interaction_mode' && !interactionModes.has(value)) return {};
    if (key === 'first_screen' && !firstScreens.has(value)) return {};
    valid[key] = value;
  }
  return valid;
}

const firstScreenRoutes: Record<string, string> = {
  sign_in: 'sign-in',
  signIn: 'sign-in',
  register: 'register',
  reset_password: 'reset-password',
  'identifier:sign_in': 'identifier-sign-in',
  'identifier:register': 'identifier-register',
  single_sign_on: 'single-sign-on',
};

/** The path (with query) of the experience page a login prompt starts on. */
export function loginPromptPath(params: ExtraParams, appId: string | undefined): string {
  const search = new URLSearchParams();
  if (appId) search.set('app_id', appId);
  if (params.organization_id) search.set('organization_id', params.organization_id);
  if (params.ui_locales) search.set('ui_locales', params.ui_locales);
  if (params.one_time_token) search.set('one_time_token', params.one_time_token);
  if (params.login_hint) search.set('login_hint', params.login_hint);
  if (params.identifier) search.set('identifier', params.identifier);

  const mode = params.interaction_mode === 'signUp' ? 'register' : params.interaction_mode;
  const firstScreen = firstScreenRoutes[params.first_screen ?? mode ?? 'sign_in'] ?? 'sign-in';

  if (params.direct_sign_in) {
    search.set('fallback', firstScreen);
    const [method, target] = params.direct_sign_in.split(':');
    const path = ['/direct', method, target].filter((part) => part !== undefined && part !== '').join('/');
    return `${path}?${search.toString()}`;
  }
  const query = search.toString();
  return `/${firstScreen}${query ? `?${query}` : ''}`;
}
