import { randomBytes } from 'node:crypto';

import Provider, {
  errors,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';

import { claimsByScope, claimsFor } from './accounts.js';
import { extraParamKeys, loginPromptPath, validateExtraParams } from './extraParams.js';
import { pickLocale, translate, type Phrase } from './i18n.js';
import { advertiseInterval, installDeviceFlowPolling, shortenVerificationUris } from './deviceFlowPolling.js';
import { applyFaults, applyOverrides, applyRefreshFault } from './faults.js';
import { applyHostileAnswers } from './hostileAnswers.js';
import { addLogtoErrorFields } from './logtoErrors.js';
import {
  holdRefreshResponse,
  recordAuthorization,
  recordDeviceAuthorization,
  recordRevocation,
} from './observability.js';
import { installLogtoRefreshTokenGrant, organizationResource } from './refreshTokenGrant.js';
import { deviceConfirmPage, deviceInputPage, deviceSuccessPage, loggedOutPage, logoutPage } from './pages.js';
import type { AppSeed } from './options.js';
import type { EmulatorState } from './state.js';

/** Client metadata as Logto derives it for its app types (packages/core/src/oidc/utils.ts). */
function clientMetadata(app: AppSeed, alg: 'ES384' | 'RS256'): ClientMetadata {
  const shared: ClientMetadata = {
    client_id: app.id,
    client_name: app.name,
    application_type: 'native',
    // Native apps are public clients: no secret, PKCE required.
    token_endpoint_auth_method: 'none',
    id_token_signed_response_alg: alg,
  };
  if (app.kind === 'device') {
    return {
      ...shared,
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      response_types: [],
      redirect_uris: [],
    };
  }
  return {
    ...shared,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // RFC 8252 §7.3: oidc-provider matches loopback redirect URIs of native clients on any port.
    redirect_uris: app.redirectUris ?? ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/signed-out'],
  };
}

function locale(ctx: KoaContextWithOIDC) {
  const uiLocales = typeof ctx.oidc?.params?.ui_locales === 'string' ? ctx.oidc.params.ui_locales : undefined;
  return pickLocale(uiLocales, ctx.get('accept-language'));
}

export function createProvider(state: EmulatorState): Provider {
  const { options, signingKey } = state;
  const alg = signingKey.alg;

  const configuration: Configuration = {
    adapter: (name: string) => {
      const adapter = state.store.adapterFor(name);
      if (name !== 'Client') return adapter;
      // Logto's adapter throws invalid_client (HTTP 400) for an app it does not know
      // (packages/core/src/oidc/adapter.ts), where oidc-provider itself answers 401: every endpoint
      // that names an unknown client_id then says 400 invalid_client, as on a real tenant.
      return {
        ...adapter,
        async find(id: string) {
          const found = await adapter.find(id);
          if (!found) throw new errors.InvalidClient(`invalid client ${id}`);
          return found;
        },
      };
    },
    clients: options.apps.map((app) => clientMetadata(app, alg)),
    jwks: { keys: [signingKey.privateJwk as never] },
    // Logto: { sameSite: 'lax', path: '/', signed: true }. path '/' lets the experience pages
    // (outside /oidc) read the interaction cookie.
    cookies: {
      keys: [randomBytes(32).toString('hex')],
      long: { signed: true, path: '/', sameSite: 'lax', httpOnly: true },
      short: { signed: true, path: '/', sameSite: 'lax', httpOnly: true },
    },
    // Discovery advertises exactly what the tenant's key signs.
    enabledJWA: {
      idTokenSigningAlgValues: [alg],
      userinfoSigningAlgValues: [alg],
      authorizationSigningAlgValues: [alg],
      introspectionSigningAlgValues: [alg],
    },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      userinfo: { enabled: true },
      // Public clients may revoke or introspect only their own tokens (oidc-provider's default rule,
      // spelled out so it does not print its "you SHOULD change it" notice).
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      clientCredentials: { enabled: true },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: async (ctx, form, _out, err) => {
          let message: Phrase | undefined;
          if (err?.name === 'AbortedError') message = 'deviceInterrupted';
          else if (err) message = 'deviceCodeInvalid';
          const lang = locale(ctx);
          ctx.type = 'html';
          ctx.body = deviceInputPage(
            lang,
            form.replace('name="user_code"', 'id="device-user-code" name="user_code"'),
            message ? translate(lang, message) : undefined,
          );
        },
        userCodeConfirmSource: async (ctx, form, client, _deviceInfo, userCode) => {
          ctx.type = 'html';
          ctx.body = deviceConfirmPage(locale(ctx), form, client.clientName ?? client.clientId, userCode);
        },
        successSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = deviceSuccessPage(locale(ctx));
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(locale(ctx), form, ctx.host);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = loggedOutPage(locale(ctx));
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined as unknown as string,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator === organizationResource) {
            return { scope: '', accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg } } };
          }
          const resource = state.options.resources.find((candidate) => candidate.indicator === indicator);
          // Logto: an unknown API resource is `invalid_target` (RFC 8707 §2).
          if (!resource) throw new errors.InvalidTarget();
          return {
            scope: resource.scopes.join(' '),
            audience: resource.indicator,
            accessTokenTTL: resource.accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
    extraParams: [...extraParamKeys],
    claims: claimsByScope,
    scopes: ['openid', 'offline_access', ...Object.keys(claimsByScope)],
    findAccount: async (_ctx, sub) => {
      const user = state.accounts.find(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: async (use) =>
          claimsFor(
            user,
            use === 'id_token' ? 'id_token' : 'userinfo',
            state.accounts.organizationsOf(user.id),
          ) as {
            sub: string;
          },
      };
    },
    // Logto: only the client's grant types and a granted offline_access decide; oidc-provider itself
    // drops offline_access unless prompt includes consent (OIDC Core §11).
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // Rotate on every use for public clients (Native apps), as oidc-provider's default that Logto keeps.
    rotateRefreshToken: (ctx) => {
      const { RefreshToken: refreshToken, Client: client } = ctx.oidc.entities;
      if (!refreshToken || !client) return false;
      if (refreshToken.totalLifetime() >= 365.25 * 24 * 60 * 60) return false;
      if (client.clientAuthMethod === 'none') return true;
      return refreshToken.ttlPercentagePassed() >= 70;
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod !== 'client_secret_basic' },
    interactions: {
      url: (ctx, interaction) => {
        const appId =
          typeof interaction.params.client_id === 'string' ? interaction.params.client_id : undefined;
        if (interaction.prompt.name === 'consent')
          return `/consent?app_id=${encodeURIComponent(appId ?? '')}`;
        return loginPromptPath(validateExtraParams(ctx.oidc.params ?? {}), appId);
      },
    },
    extraTokenClaims: async (ctx, token) => {
      // Logto adds organization_id to a resource token requested for an organization.
      const params = ctx.oidc.params ?? {};
      if (token.kind === 'AccessToken' && params.organization_id && params.resource) {
        return { organization_id: params.organization_id };
      }
      return undefined;
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? state.options.ttl.accessToken,
      AuthorizationCode: () => state.options.ttl.authorizationCode,
      IdToken: () => state.options.ttl.idToken,
      RefreshToken: () => state.options.ttl.refreshToken,
      DeviceCode: () => state.options.ttl.deviceCode,
      Interaction: () => state.options.ttl.interaction,
      Session: () => state.options.ttl.session,
      Grant: () => 180 * 24 * 3600,
    },
    // Logto answers errors as JSON (its koaOidcErrorHandler adds code/message on top).
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
    clientBasedCORS: (ctx, origin) => ctx.URL.origin === origin,
  };

  const provider = new Provider(state.issuer, configuration);
  provider.proxy = false;

  installLogtoRefreshTokenGrant(provider, state);
  installDeviceFlowPolling(provider, state);

  // Registered first, so it runs last: Logto's error handler wraps the whole provider.
  provider.use(async (ctx, next) => {
    await next();
    addLogtoErrorFields(ctx as KoaContextWithOIDC);
  });
  provider.use(async (ctx, next) => {
    await next();
    const oidcCtx = ctx as KoaContextWithOIDC;
    recordDeviceAuthorization(oidcCtx, state);
    recordAuthorization(oidcCtx, state);
    recordRevocation(oidcCtx, state);
    advertiseInterval(oidcCtx, state);
    shortenVerificationUris(oidcCtx);
    applyOverrides(oidcCtx, state);
    await applyFaults(oidcCtx, state);
    await applyRefreshFault(oidcCtx, state);
    applyHostileAnswers(oidcCtx, state);
    // Last: the response is final when the test hears `refresh` and the delay starts.
    await holdRefreshResponse(oidcCtx, state);
  });

  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grantType = String(ctx.oidc.params?.grant_type);
    state.stats.tokenRequests[grantType] = (state.stats.tokenRequests[grantType] ?? 0) + 1;
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    for (const key of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof body[key] === 'string') state.stats.issuedTokens.push(body[key]);
    }
  });
  provider.on('grant.error', (_ctx: KoaContextWithOIDC, error: { error?: string }) => {
    const code = error.error ?? 'server_error';
    state.stats.tokenErrors[code] = (state.stats.tokenErrors[code] ?? 0) + 1;
  });
  provider.on('end_session.success', () => {
    state.stats.endSessions += 1;
  });
  provider.on('grant.revoked', () => {
    state.stats.grantsRevoked += 1;
  });
  // oidc-provider reports unexpected errors through events rather than throwing them at us.
  provider.on('server_error', (_ctx: unknown, error: Error) => {
    console.error('[emulator] server_error:', error);
  });

  return provider;
}
