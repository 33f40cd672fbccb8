/**
 * What the emulator lets tests see or time around a client's requests, beyond what oidc-provider
 * emits: refresh token replays, a held-back refresh response, device and browser authorization
 * requests as sent, and token revocations.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { KoaContextWithOIDC } from 'oidc-provider';

import type { EmulatorState } from './state.js';

/** A successful refresh_token grant response: built (the old token consumed), not yet sent. */
export function isRefreshResponse(ctx: KoaContextWithOIDC): boolean {
  return (
    ctx.oidc?.route === 'token' &&
    ctx.status === 200 &&
    ctx.oidc.params?.grant_type === 'refresh_token' &&
    typeof ctx.body === 'object' &&
    ctx.body !== null
  );
}

/**
 * Counts a refresh_token grant request presenting a token already rotated out. Called before the
 * grant runs, as the grant itself consumes the token it is given; the adapter remembers consumption
 * even inside the reuse grace, where oidc-provider is told the token is unused.
 */
export function countRefreshTokenReuse(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  // Opaque refresh tokens are stored under the value the client presents.
  const value = ctx.oidc.params?.refresh_token;
  if (typeof value === 'string' && state.store.wasConsumed('RefreshToken', value))
    state.stats.refreshTokenReuse += 1;
}

/**
 * options.refreshResponseDelayMs: holds a successful refresh response back after the rotation, so a
 * client can be interrupted while its refresh is in flight; `refresh` tells the test when.
 */
export async function holdRefreshResponse(ctx: KoaContextWithOIDC, state: EmulatorState): Promise<void> {
  if (!isRefreshResponse(ctx)) return;
  const delayMs = state.options.refreshResponseDelayMs;
  state.events.emit('refresh', { clientId: ctx.oidc.client?.clientId ?? '', delayMs });
  // Unreferenced: a held response must not keep a closed emulator's process alive.
  if (delayMs > 0) await sleep(delayMs, undefined, { ref: false });
}

/**
 * Records a device authorization request with every form parameter as sent. oidc-provider's
 * `params` keep only the parameters it knows, one value each; its parsed body keeps them all.
 */
export function recordDeviceAuthorization(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  if (ctx.oidc?.route !== 'device_authorization') return;
  const body = (ctx.oidc as { body?: Record<string, unknown> }).body ?? {};
  const params: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    params[key] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  const clientId = params.client_id?.[0] ?? ctx.oidc.client?.clientId ?? '';
  state.stats.deviceAuthorizations.push({ clientId, params });
}

/** Every query parameter of a request, repeated ones keeping every value. */
function allParams(search: URLSearchParams): Record<string, string[]> {
  const params: Record<string, string[]> = {};
  for (const [key, value] of search) (params[key] ??= []).push(value);
  return params;
}

/** Records an authorization request (GET /oidc/auth) with every query parameter as sent. */
export function recordAuthorization(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  if (ctx.oidc?.route !== 'authorization') return;
  const params = allParams(new URLSearchParams(ctx.querystring));
  state.stats.authorizationRequests.push({ clientId: params.client_id?.[0] ?? '', params });
}

/**
 * Records an answered revocation, and tells a listening test (`revocation`) before the answer goes
 * out, so it can look at what the client holds at that moment. `found`: a live token was revoked
 * (oidc-provider made it the context's entity), as opposed to RFC 7009's 200 for anything else.
 */
export function recordRevocation(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  if (ctx.oidc?.route !== 'revocation' || ctx.status !== 200) return;
  const entities = ctx.oidc.entities as Record<string, unknown>;
  const hint = ctx.oidc.params?.token_type_hint;
  const revocation = {
    clientId: ctx.oidc.client?.clientId ?? '',
    tokenTypeHint: typeof hint === 'string' ? hint : null,
    found: Boolean(entities.AccessToken ?? entities.RefreshToken),
  };
  state.stats.revocations.push(revocation);
  state.events.emit('revocation', revocation);
}
