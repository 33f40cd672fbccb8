/**
 * When two sign-ins are two grants at Logto, so that revoking one cannot touch the other.
 * Logto source: packages/core/src/oidc/init.ts (`loadExistingGrant`) on oidc-provider
 * (lib/helpers/revoke.js, lib/actions/authorization/resume.js).
 *
 * A grant belongs to one account and one app. Logto's `loadExistingGrant` hands a new authorization
 * the grant its browser session already holds for the app (`session.grantIdFor(clientId)`): sign in
 * again in the same browser as the same person and the new tokens belong to the OLD grant, even
 * with `prompt=login` (the session keeps its authorizations when the same account logs in again;
 * only another account ends it). And revoking any token of a grant (RFC 7009, refresh or access
 * token) revokes every token of that grant. So the previous session of the same account on the
 * same app can only be revoked at the price of the new one, and hflogin cannot tell the two cases
 * apart: Logto's tokens are opaque and its ID tokens carry no grant or session id (no `sid`).
 * Seen on a real Logto 1.42 (test/logto/relogin.test.ts reads its grants from its database).
 */

/** Who a sign-in was, for this rule: the tenant, the app and the account. */
export interface GrantOwner {
  endpoint: string;
  appId: string;
  userId: string;
}

/**
 * Whether the two sign-ins are certainly two grants: another tenant, another app (the Native and the
 * device-flow app are two clients) or another account. Otherwise they may be one grant.
 */
export function certainlySeparateGrants(a: GrantOwner, b: GrantOwner): boolean {
  return a.endpoint !== b.endpoint || a.appId !== b.appId || a.userId !== b.userId;
}
