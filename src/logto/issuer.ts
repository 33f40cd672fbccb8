/**
 * Logto serves OIDC under `/oidc`: the issuer is `<endpoint>/oidc`, and discovery is at
 * `<endpoint>/oidc/.well-known/openid-configuration`.
 * Logto source: packages/core/src/env-set/index.ts (the issuer it hands to loadOidcValues in
 * packages/core/src/env-set/oidc.ts is the tenant endpoint with `/oidc` appended).
 */
export function issuerOf(endpoint: string): URL {
  return new URL(`${endpoint}/oidc`);
}

/** Where the issuer's OIDC discovery document is (OIDC Discovery §4: issuer + the well-known path). */
export function discoveryUrlOf(issuer: URL): URL {
  return new URL(`${issuer.href.replace(/\/$/, '')}/.well-known/openid-configuration`);
}
