/**
 * How Logto treats refresh tokens, which the session owner (src/session/sessionOwner.ts) and the
 * Ctrl+C handling (src/io/interrupt.ts) are built around:
 *
 * - Every refresh rotates the refresh token (Logto issues a new one with each refresh_token grant
 *   for a native app with offline_access).
 * - A rotated-out refresh token still works for a short grace after its rotation; presented after
 *   it, Logto treats it as stolen and revokes the whole grant ("refresh token already used").
 *   Logto source: packages/core/src/queries/oidc-model-instance.ts (the reuse interval kept with
 *   a consumed token).
 * - The refresh token is consumed BEFORE the requested resource is resolved: a refresh for a
 *   resource outside the grant answers `invalid_target` and spends the refresh token without
 *   returning its successor. Logto source: packages/core/src/oidc/grants/refresh-token.ts
 *   (refreshToken.consume(), then resolveResource). Seen on a real Logto 1.42.
 *
 * So hflogin saves a rotated refresh token before anything else can happen (under the lock, in a
 * critical section), and after a refused resource refreshes for its own audience at once.
 */

/** The grace, in seconds, during which a rotated-out refresh token still works once. */
export const refreshTokenReuseGraceSeconds = 3;
