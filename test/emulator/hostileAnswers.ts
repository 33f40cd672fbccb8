import type { KoaContextWithOIDC } from 'oidc-provider';

import type { EmulatorState } from './state.js';

/**
 * options.hostile: provider text written to attack a client's terminal (escape sequences, C1 and
 * bidi controls), for tests that a client shows it harmlessly (issue 14). Applied after
 * oidc-provider has built a correct response; each use is counted in `stats.faultsApplied`.
 */
export function applyHostileAnswers(ctx: KoaContextWithOIDC, state: EmulatorState): void {
  const hostile = state.options.hostile;
  if (!hostile) return;
  const route = ctx.oidc?.route;
  if (hostile.refuse && route === hostile.refuse.route) {
    ctx.status = 400;
    ctx.type = 'json';
    ctx.body = { error: hostile.refuse.error, error_description: hostile.refuse.error_description };
    state.stats.faultsApplied += 1;
    return;
  }
  if (hostile.device && route === 'device_authorization' && ctx.status === 200) {
    Object.assign(ctx.body as Record<string, unknown>, hostile.device);
    state.stats.faultsApplied += 1;
    return;
  }
  const location = ctx.response.get('location');
  const redirectUri = ctx.oidc?.params?.redirect_uri;
  if (
    hostile.redirectErrorDescription !== undefined &&
    location &&
    typeof redirectUri === 'string' &&
    location.startsWith(redirectUri)
  ) {
    const url = new URL(location);
    if (!url.searchParams.has('error')) return;
    url.searchParams.set('error_description', hostile.redirectErrorDescription);
    ctx.set('location', url.href);
    state.stats.faultsApplied += 1;
  }
}
