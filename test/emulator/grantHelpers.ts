import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import type Provider from 'oidc-provider';

/** oidc-provider's grant helpers bound to a provider, as its own grant handlers receive them. */
export function boundGrantHelpers(provider: Provider): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(grantHelpers).map(([name, helper]) => [
      name,
      (helper as (...args: unknown[]) => unknown).bind(undefined, provider),
    ]),
  );
}
