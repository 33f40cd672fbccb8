import { handler as upstreamRefreshTokenHandler } from 'oidc-provider/lib/actions/grants/refresh_token.js';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import { boundGrantHelpers } from './grantHelpers.js';
import { countRefreshTokenReuse } from './observability.js';
import type { EmulatorState } from './state.js';

/** Logto's reserved resource for organization tokens. */
export const organizationResource = 'urn:logto:resource:organizations';
const organizationsScope = 'urn:logto:scope:organizations';

/**
 * Logto registers its own refresh_token grant that also takes `organization_id`
 * (packages/core/src/oidc/grants/refresh-token.ts). Without it, this is oidc-provider's grant; with it
 * and no `resource`, the answer is an organization token: a JWT whose audience is
 * `urn:logto:organization:<id>`, scoped to what the member's organization roles allow.
 */
export function installLogtoRefreshTokenGrant(provider: Provider, state: EmulatorState): void {
  const helpers = boundGrantHelpers(provider);
  const upstream = (ctx: KoaContextWithOIDC) => upstreamRefreshTokenHandler(provider, helpers, ctx);

  provider.registerGrantType(
    'refresh_token',
    async (ctx) => {
      const oidcCtx = ctx as unknown as KoaContextWithOIDC;
      // Before either path below consumes the token presented.
      countRefreshTokenReuse(oidcCtx, state);
      const organizationId = oidcCtx.oidc.params?.organization_id;
      if (typeof organizationId !== 'string' || organizationId === '') return upstream(oidcCtx);
      if (oidcCtx.oidc.params?.resource) {
        // Organization + API resource: a normal resource token, with organization_id added by
        // extraTokenClaims; membership is still checked first.
        await checkOrganizationAccess(oidcCtx, state, organizationId);
        return upstream(oidcCtx);
      }
      return organizationToken(provider, oidcCtx, state, organizationId);
    },
    ['refresh_token', 'scope', 'resource', 'organization_id'],
    ['resource'],
  );
}

async function findUsableRefreshToken(provider: Provider, ctx: KoaContextWithOIDC) {
  const value = String(ctx.oidc.params?.refresh_token ?? '');
  if (!value) throw new errors.InvalidRequest("missing required parameter 'refresh_token'");
  const refreshToken = await provider.RefreshToken.find(value, { ignoreExpiration: true });
  if (!refreshToken) throw new errors.InvalidGrant('refresh token not found');
  if (refreshToken.clientId !== ctx.oidc.client?.clientId) throw new errors.InvalidGrant('client mismatch');
  if (refreshToken.isExpired) throw new errors.InvalidGrant('refresh token is expired');
  const grant = await provider.Grant.find(refreshToken.grantId ?? '');
  if (!grant) throw new errors.InvalidGrant('grantId not found');
  if (refreshToken.consumed) {
    // Reuse after the grace window: revoke the whole grant, as oidc-provider and Logto do.
    await refreshToken.destroy();
    await revokeGrant(provider, refreshToken.grantId ?? '');
    throw new errors.InvalidGrant('refresh token already used');
  }
  return { refreshToken, grant };
}

async function revokeGrant(provider: Provider, grantId: string): Promise<void> {
  await Promise.all([
    provider.AccessToken.revokeByGrantId(grantId),
    provider.RefreshToken.revokeByGrantId(grantId),
    provider.AuthorizationCode.revokeByGrantId(grantId),
    provider.DeviceCode.revokeByGrantId(grantId),
    provider.Grant.adapter.destroy(grantId),
  ]);
  provider.emit('grant.revoked', undefined, grantId);
}

async function checkOrganizationAccess(
  ctx: KoaContextWithOIDC,
  state: EmulatorState,
  organizationId: string,
) {
  const value = String(ctx.oidc.params?.refresh_token ?? '');
  const refreshToken = await ctx.oidc.provider.RefreshToken.find(value, { ignoreExpiration: true });
  if (!refreshToken) throw new errors.InvalidGrant('refresh token not found');
  assertMember(state, organizationId, refreshToken.accountId);
  if (!refreshToken.scopes.has(organizationsScope)) {
    throw new errors.InsufficientScope('refresh token missing required scope', organizationsScope);
  }
}

function assertMember(state: EmulatorState, organizationId: string, accountId: string) {
  const organization = state.options.organizations.find((candidate) => candidate.id === organizationId);
  if (!organization || !organization.members.includes(accountId)) {
    const error = new errors.AccessDenied('user is not a member of the organization');
    // Logto answers 403 for organization access errors.
    error.status = 403;
    error.statusCode = 403;
    throw error;
  }
  return organization;
}

async function organizationToken(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  state: EmulatorState,
  organizationId: string,
): Promise<void> {
  const { refreshToken } = await findUsableRefreshToken(provider, ctx);
  const organization = assertMember(state, organizationId, refreshToken.accountId);
  if (!refreshToken.scopes.has(organizationsScope)) {
    throw new errors.InsufficientScope('refresh token missing required scope', organizationsScope);
  }
  const client = ctx.oidc.client!;

  // Rotate like every other use of a public client's refresh token.
  await refreshToken.consume();
  const rotated = new provider.RefreshToken({
    accountId: refreshToken.accountId,
    acr: refreshToken.acr,
    amr: refreshToken.amr,
    authTime: refreshToken.authTime,
    claims: refreshToken.claims,
    client,
    expiresWithSession: refreshToken.expiresWithSession,
    iiat: refreshToken.iiat,
    grantId: refreshToken.grantId,
    gty: refreshToken.gty,
    nonce: refreshToken.nonce,
    resource: refreshToken.resource,
    rotations: (refreshToken.rotations ?? 0) + 1,
    scope: refreshToken.scope,
    sessionUid: refreshToken.sessionUid,
    sid: refreshToken.sid,
  } as never);
  const refreshTokenValue = await rotated.save();

  const requested = ctx.oidc.params?.scope
    ? String(ctx.oidc.params.scope).split(' ')
    : [...refreshToken.scopes];
  const audience = `urn:logto:organization:${organization.id}`;
  const accessToken = new provider.AccessToken({
    accountId: refreshToken.accountId,
    client,
    expiresWithSession: refreshToken.expiresWithSession,
    grantId: refreshToken.grantId,
    gty: 'refresh_token',
    sessionUid: refreshToken.sessionUid,
    sid: refreshToken.sid,
  } as never);
  accessToken.resourceServer = new (
    provider as unknown as { ResourceServer: new (id: string, info: object) => never }
  ).ResourceServer(audience, {
    audience,
    scope: organization.scopes.join(' '),
    accessTokenTTL: 3600,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: state.signingKey.alg } },
  });
  accessToken.scope = requested.filter((scope) => organization.scopes.includes(scope)).join(' ');
  ctx.oidc.entity('AccessToken', accessToken);
  const accessTokenValue = await accessToken.save();

  ctx.body = {
    access_token: accessTokenValue,
    expires_in: accessToken.expiration,
    refresh_token: refreshTokenValue,
    scope: accessToken.scope,
    token_type: 'Bearer',
  };
}
