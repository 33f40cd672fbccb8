import { handler as upstreamDeviceCodeHandler } from 'oidc-provider/lib/actions/grants/device_code.js';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import { boundGrantHelpers } from './grantHelpers.js';
import type { EmulatorState } from './state.js';

const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * RFC 8628 §3.5 polling discipline, which oidc-provider (and so Logto) does not enforce. Off by
 * default; tests of a client's polling turn it on with `options.deviceFlow`. Every poll's time is
 * recorded in `stats.devicePolls`.
 */
export function installDeviceFlowPolling(provider: Provider, state: EmulatorState): void {
  const helpers = boundGrantHelpers(provider);
  const polls = new Map<string, { last: number; interval: number }>();

  provider.registerGrantType(
    deviceCodeGrant,
    async (ctx) => {
      const oidcCtx = ctx as unknown as KoaContextWithOIDC;
      const { interval, slowDown, slowDownPolls = 0 } = state.options.deviceFlow;
      const deviceCode = String(oidcCtx.oidc.params?.device_code ?? '');
      const times = (state.stats.devicePolls[deviceCode] ??= []);
      times.push(Date.now());
      if (times.length <= slowDownPolls) throw new errors.SlowDown();
      if (slowDown && interval !== null && deviceCode) {
        const now = Date.now();
        const previous = polls.get(deviceCode);
        if (previous && now - previous.last < previous.interval * 1000) {
          previous.interval += 5;
          previous.last = now;
          throw new errors.SlowDown();
        }
        polls.set(deviceCode, { last: now, interval: previous?.interval ?? interval });
      }
      await upstreamDeviceCodeHandler(provider, helpers, oidcCtx);
    },
    ['device_code'],
  );
}

/** Adds `interval` to the device authorization response when the emulator advertises one. */
export function advertiseInterval(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  const { interval } = state.options.deviceFlow;
  if (interval === null || ctx.oidc?.route !== 'device_authorization' || ctx.status !== 200) return;
  if (ctx.body && typeof ctx.body === 'object') (ctx.body as Record<string, unknown>).interval = interval;
}

/**
 * Logto answers the device authorization with `/device` rather than oidc-provider's `/oidc/device`
 * (packages/core/src/middleware/koa-device-flow-shortcut.ts: a URL short enough to type on a TV
 * or in a terminal), and redirects `GET /device` to `/oidc/device` (see index.ts).
 */
export function shortenVerificationUris(ctx: KoaContextWithOIDC): void {
  if (ctx.oidc?.route !== 'device_authorization' || ctx.status !== 200) return;
  const body = ctx.body as Record<string, unknown> | undefined;
  for (const key of ['verification_uri', 'verification_uri_complete']) {
    if (typeof body?.[key] === 'string') body[key] = (body[key] as string).replace('/oidc/device', '/device');
  }
}
