import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { isRefreshResponse } from './observability.js';
import type { Fault } from './options.js';
import type { EmulatorState } from './state.js';

/**
 * The faulty switch: with `options.fault` set, the emulator breaks exactly one thing in its answers,
 * so a client's refusal of that defect can be tested. Applied after oidc-provider has built a
 * correct response.
 */
export async function applyFaults(ctx: KoaContextWithOIDC, state: EmulatorState): Promise<void> {
  const route = ctx.oidc?.route;
  const skew = state.options.clockSkewSeconds;
  if (
    skew &&
    route === 'token' &&
    ctx.status === 200 &&
    typeof (ctx.body as { id_token?: unknown })?.id_token === 'string'
  ) {
    const body = ctx.body as { id_token: string };
    body.id_token = await skewIdToken(body.id_token, skew, state);
  }
  const fault = state.options.fault;
  if (!fault) return;
  if (route === 'token' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
    if (await breakTokenResponse(ctx.body as Record<string, unknown>, fault, state))
      state.stats.faultsApplied += 1;
    return;
  }
  const location = ctx.response.get('location');
  if (location && isAuthorizationResponse(ctx, location)) {
    const broken = breakAuthorizationResponse(location, fault, state);
    if (broken !== location) {
      ctx.set('location', broken);
      state.stats.faultsApplied += 1;
    }
  }
}

function isAuthorizationResponse(ctx: KoaContextWithOIDC, location: string): boolean {
  const redirectUri = ctx.oidc?.params?.redirect_uri;
  if (typeof redirectUri !== 'string' || !location.startsWith(redirectUri)) return false;
  const url = new URL(location);
  return url.searchParams.has('code') || url.searchParams.has('error');
}

function breakAuthorizationResponse(location: string, fault: Fault, state: EmulatorState): string {
  const url = new URL(location);
  switch (fault) {
    case 'auth_response_missing_iss':
      url.searchParams.delete('iss');
      break;
    case 'auth_response_wrong_iss':
      url.searchParams.set('iss', `${state.endpoint}/not-the-issuer`);
      break;
    case 'auth_response_wrong_state':
      url.searchParams.set('state', 'forged-state');
      break;
    default:
      return location;
  }
  return url.href;
}

async function breakTokenResponse(
  body: Record<string, unknown>,
  fault: Fault,
  state: EmulatorState,
): Promise<boolean> {
  if (fault === 'token_response_missing_id_token') {
    if (!('id_token' in body)) return false;
    delete body.id_token;
    return true;
  }
  if (fault === 'token_response_unsupported_token_type') {
    body.token_type = 'MAC';
    return true;
  }
  if (!fault.startsWith('id_token_') || typeof body.id_token !== 'string') return false;
  body.id_token = await breakIdToken(body.id_token, fault, state);
  return true;
}

/**
 * options.discoveryOverride, deviceAuthorizationOverride and tokenTypeOverride: a hostile provider's
 * URLs and token types, over oidc-provider's correct answers. Each is counted in faultsApplied.
 */
export function applyOverrides(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  const route = ctx.oidc?.route;
  const body = ctx.body as Record<string, unknown> | undefined;
  if (ctx.status !== 200 || !body || typeof body !== 'object') return;
  const { discoveryOverride, deviceAuthorizationOverride, tokenTypeOverride } = state.options;
  const merge = (override: Record<string, unknown>) => {
    if (Object.keys(override).length === 0) return;
    for (const [key, value] of Object.entries(override)) {
      if (value === undefined) delete body[key];
      else body[key] = value;
    }
    state.stats.faultsApplied += 1;
  };
  if (route === 'discovery') merge(discoveryOverride);
  if (route === 'device_authorization') merge(deviceAuthorizationOverride);
  if (route === 'token' && tokenTypeOverride && ctx.oidc.params?.grant_type === tokenTypeOverride.grantType) {
    if (tokenTypeOverride.tokenType === null) delete body.token_type;
    else body.token_type = tokenTypeOverride.tokenType;
    state.stats.faultsApplied += 1;
  }
}

/**
 * options.refreshFault, on a successful refresh response. Separate from applyFaults because it must
 * leave sign-in alone: the client has to hold a session before a refresh can betray it.
 */
export async function applyRefreshFault(ctx: KoaContextWithOIDC, state: EmulatorState): Promise<void> {
  if (state.options.refreshFault !== 'id_token_other_sub' || !isRefreshResponse(ctx)) return;
  const body = ctx.body as { id_token?: unknown };
  const idToken = body.id_token;
  // An organization token response has no ID token to change.
  if (typeof idToken !== 'string') return;
  const claims = decodeJwt(idToken);
  const otherUsers = await signAgain(idToken, { ...claims, sub: otherSubject(claims.sub) }, state);
  body.id_token = otherUsers;
  state.stats.faultsApplied += 1;
  // It is what the client was handed, so leak tests must look for it too.
  state.stats.issuedTokens.push(otherUsers);
}

/** Another user than `sub`: Lee, unless it is Lee, then Alice (the default tenant's two users). */
function otherSubject(sub: string | undefined): string {
  return sub === 'u2lee0000002' ? 'u1alice00001' : 'u2lee0000002';
}

/** `claims` in place of the ID token's own, validly signed by the tenant's key under the same header. */
function signAgain(idToken: string, claims: JWTPayload, state: EmulatorState): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({
      ...decodeProtectedHeader(idToken),
      alg: state.signingKey.alg,
      kid: state.signingKey.kid,
    })
    .sign(state.signingKey.privateKey);
}

/** The same ID token, with every time in it shifted by `skew` seconds, signed again. */
async function skewIdToken(idToken: string, skew: number, state: EmulatorState): Promise<string> {
  const claims: JWTPayload = decodeJwt(idToken);
  const shifted: JWTPayload = { ...claims };
  for (const key of ['iat', 'exp', 'auth_time', 'nbf'] as const) {
    if (typeof claims[key] === 'number') shifted[key] = (claims[key] as number) + skew;
  }
  return signAgain(idToken, shifted, state);
}

async function breakIdToken(idToken: string, fault: Fault, state: EmulatorState): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const claims: JWTPayload = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  const { privateKey, alg, kid } = state.signingKey;
  const sign = (payload: JWTPayload, key: CryptoKey = privateKey, keyId = kid) =>
    new SignJWT(payload).setProtectedHeader({ ...header, alg, kid: keyId }).sign(key);

  switch (fault) {
    case 'id_token_bad_signature': {
      // A validly formed token whose signature does not match its content.
      const [head, payload, signature] = idToken.split('.') as [string, string, string];
      const bytes = base64url.decode(signature);
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return `${head}.${payload}.${base64url.encode(bytes)}`;
    }
    case 'id_token_unknown_kid': {
      const { privateKey: otherKey } = await generateKeyPair(alg);
      return sign(claims, otherKey, 'kid-not-in-jwks');
    }
    case 'id_token_alg_none': {
      const unsecured = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      return `${unsecured}.${base64url.encode(JSON.stringify(claims))}.`;
    }
    case 'id_token_wrong_iss':
      return sign({ ...claims, iss: `${state.endpoint}/not-the-issuer` });
    case 'id_token_wrong_aud':
      return sign({ ...claims, aud: 'some-other-app' });
    case 'id_token_expired':
      return sign({ ...claims, iat: now - 7200, exp: now - 3600 });
    case 'id_token_wrong_nonce':
      return sign({ ...claims, nonce: 'not-the-nonce-you-sent' });
    case 'id_token_missing_nonce': {
      const { nonce: _nonce, ...withoutNonce } = claims;
      return sign(withoutNonce);
    }
    default:
      return idToken;
  }
}
