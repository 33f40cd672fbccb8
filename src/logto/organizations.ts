import { ExitCode, HfloginError } from '../io/errors.js';
import { ErrorCode } from '../io/errorCodes.js';

/**
 * Logto's organization tokens (Logto RFC 0001).
 * Logto source: packages/toolkit/core-kit/src/openid.ts (UserScope.Organizations) and
 * packages/core/src/oidc/grants/refresh-token.ts (the refresh_token grant takes `organization_id`,
 * and refuses it with insufficient_scope unless the refresh token holds UserScope.Organizations;
 * with `resource` as well, the token is for that API with an organization_id claim instead).
 */
export const organizationsScope = 'urn:logto:scope:organizations';

/** The parameter naming the organization, in the authorization request and the refresh grant. */
export const organizationIdParameter = 'organization_id';

/** The scopes asking for an organization implies: a grant without the organizations scope cannot get its tokens. */
export function organizationScopes(organizationId: string | undefined): string[] {
  return organizationId ? [organizationsScope] : [];
}

/**
 * The extra parameters of a refresh-token grant for a token other than the session's own: an API
 * (RFC 8707 `resource`) and/or an organization (Logto's `organization_id`).
 */
export function audienceGrantParameters(audience: {
  resource?: string;
  organization?: string;
}): Record<string, string> {
  const parameters: Record<string, string> = {};
  if (audience.resource) parameters.resource = audience.resource;
  if (audience.organization) parameters[organizationIdParameter] = audience.organization;
  return parameters;
}

/**
 * Refuses before asking Logto when the session's grant cannot give organization tokens (Logto would
 * answer insufficient_scope): it lacks the organizations scope.
 */
export function assertOrganizationsGranted(grantedScopes: readonly string[], organizationId: string): void {
  if (grantedScopes.includes(organizationsScope)) return;
  throw new HfloginError(
    `This session cannot get organization tokens: it lacks the scope ${organizationsScope}.`,
    {
      code: ErrorCode.missingScope,
      exitCode: ExitCode.failed,
      hint: `Sign in again with hflogin login --organization ${organizationId} (or --scope ${organizationsScope}).`,
    },
  );
}
