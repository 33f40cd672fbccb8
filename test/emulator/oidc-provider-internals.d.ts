// oidc-provider's own refresh_token grant and grant helpers, imported by path (the package has no
// "exports" map) so the emulator can wrap the upstream handler the way Logto registers its own.
declare module 'oidc-provider/lib/actions/grants/refresh_token.js' {
  export const handler: (provider: unknown, helpers: Record<string, unknown>, ctx: unknown) => Promise<void>;
  export const parameters: Set<string>;
}
declare module 'oidc-provider/lib/helpers/grants.js' {
  const helpers: Record<string, (...args: unknown[]) => unknown>;
  export = helpers;
}
declare module 'oidc-provider/lib/actions/grants/device_code.js' {
  export const handler: (provider: unknown, helpers: Record<string, unknown>, ctx: unknown) => Promise<void>;
}
