/**
 * Logto's scopes, and what it takes to get a refresh token.
 * Logto source: packages/toolkit/core-kit/src/openid.ts (ReservedScope: openid, offline_access;
 * UserScope: profile, email, identities, urn:logto:scope:organizations…).
 */

/** ReservedScope.OfflineAccess: asks for a refresh token. */
export const offlineAccessScope = 'offline_access';

/**
 * SPEC: `openid offline_access profile email identities`. `identities` is what puts the linked
 * Hugging Face account into userinfo (see profile.ts).
 */
export const defaultScopes = ['openid', offlineAccessScope, 'profile', 'email', 'identities'];

/**
 * Logto issues a refresh token only when offline_access was granted *and* the authorization request
 * said prompt=consent (OIDC Core §11): the oidc-provider Logto runs drops offline_access from a
 * request without prompt=consent, and Logto's `issueRefreshToken` (packages/core/src/oidc/init.ts)
 * wants offline_access, unless the app sets `alwaysIssueRefreshToken` (web apps only). So `consent`
 * is hflogin's default prompt.
 */
export const refreshTokenPrompt = 'consent';

/**
 * `login --select-account`: `login` makes Logto authenticate afresh instead of signing the browser
 * straight back in with its session (OIDC Core §3.1.2.1), so the person reaches Hugging Face again
 * and can choose another account; `consent` stays, so a refresh token is still issued (verified on
 * Logto 1.42: `prompt=login consent` is accepted and gives a refresh token).
 */
export const selectAccountPrompt = `login ${refreshTokenPrompt}`;

/** The same rule, said to the person when a session turns out to hold no refresh token. */
export const refreshTokenRule = `Logto issues refresh tokens with ${offlineAccessScope} and prompt=${refreshTokenPrompt}, the defaults`;

/** The scopes an authorization request asks for: the defaults, the extra ones, and what they imply. */
export function requestedScopes(extra: readonly string[], implied: readonly string[] = []): string[] {
  return [...new Set([...defaultScopes, ...extra, ...implied])];
}
