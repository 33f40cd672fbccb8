/*
 * The library's public types (src/lib.ts), written out here rather than taken from the commands:
 * the shipped .d.ts (scripts/libTypes.mjs) then names nothing but this file and the errors, never
 * CommandDeps, the HTTP client or commander. src/lib.ts proves each result is exactly the CLI's
 * `--json` document without its `schemaVersion`, so the two cannot drift apart.
 */

/** Where a session is kept: the OS keychain (the default) or a 0600 file in the config directory. */
export type StorageKind = 'keychain' | 'file';

/** What every function takes, as the CLI's flags and environment do. */
export interface CommonOptions {
  /** The profile (`--profile`); else `HFLOGIN_PROFILE`, else `default`. */
  profile?: string;
  /** The config directory, as `HFLOGIN_CONFIG_DIR` (default: the platform's, e.g. ~/.config/hflogin). */
  configDir?: string;
  /**
   * Where the session is kept, as `HFLOGIN_STORAGE` (`--storage` for signIn); else the profile's,
   * else the keychain.
   */
  storage?: StorageKind;
  /**
   * Stops the call (an `HfloginError` with code `interrupted`, exitCode 130). A refresh already
   * answered is saved first: Logto has rotated the refresh token, and losing the new one would end
   * the session.
   */
  signal?: AbortSignal;
  /**
   * Each line the CLI would print on stderr (notices, the sign-in URL, what is being waited for),
   * without colour. Silent when absent.
   */
  onMessage?: (line: string) => void;
}

export interface TokenRequest extends CommonOptions {
  /** A JWT for this API resource (RFC 8707), as `--resource`. */
  resource?: string;
  /** An organization token, as `--organization`. */
  organization?: string;
}

/** `hflogin token --json` without `schemaVersion`. */
export interface AccessToken {
  accessToken: string;
  tokenType: string;
  /** ISO 8601. */
  expiresAt: string;
  /** Space-separated. */
  scope: string;
  resource: string | null;
  organization: string | null;
}

/** The Logto user, from userinfo. */
export interface UserSummary {
  id: string;
  username: string | null;
  name: string | null;
  email: string | null;
  picture: string | null;
}

/** The Hugging Face account linked to the Logto user. */
export interface HuggingFaceIdentity {
  id: string;
  username: string | null;
  name: string | null;
  email: string | null;
  avatarUrl: string | null;
}

/** `hflogin whoami --json` without `schemaVersion`. */
export interface WhoamiResult {
  profile: string;
  endpoint: string;
  user: UserSummary;
  huggingface: HuggingFaceIdentity | null;
  session: { accessTokenExpiresAt: string; scopes: string[]; storage: StorageKind };
}

export type SessionState =
  | 'valid'
  | 'expiring'
  | 'expired-refreshable'
  | 'refresh-refused'
  | 'needs-login'
  | 'signed-out'
  | 'storage-unavailable';

export interface ProfileStatus {
  name: string;
  active: boolean;
  endpoint: string | null;
  appId: string | null;
  user: UserSummary | null;
  huggingface: HuggingFaceIdentity | null;
  state: SessionState;
  accessTokenExpiresAt: string | null;
  storage: StorageKind;
  problem: string | null;
}

/** `hflogin status --json` without `schemaVersion`. */
export interface StatusResult {
  activeProfile: string;
  profiles: ProfileStatus[];
}

export interface SignInOptions extends CommonOptions {
  /** The Logto tenant, e.g. https://tenant.logto.app (`--endpoint`, `HFLOGIN_ENDPOINT`; else the profile's). */
  endpoint?: string;
  /** The Logto Native app ID (`--app-id`, `HFLOGIN_APP_ID`; else the profile's). */
  appId?: string;
  /** The device-flow app ID (`--device-app-id`, `HFLOGIN_DEVICE_APP_ID`). */
  deviceAppId?: string;
  /** Sign in with a code on any device (the device flow): the code arrives as a `device` event. */
  device?: boolean;
  /**
   * Opens the sign-in URL. Absent: the system browser (or `$BROWSER`), as the CLI does. `false`:
   * none; the URL arrives as a `url` event (and in `onMessage`).
   */
  openBrowser?: ((url: string) => unknown) | false;
  /** Each step of the sign-in, as `hflogin login --json`'s events (without `schemaVersion`). */
  onEvent?: (event: SignInEvent) => void;
  /** The social connector to go straight to (`--connector`); `false`: Logto's own page (`--no-connector`). */
  connector?: string | false;
  signUp?: boolean;
  /** Extra scopes, added to the defaults. */
  scope?: string[];
  /** API resources to request access to. */
  resource?: string[];
  organization?: string;
  loginHint?: string;
  /** The OIDC prompt (default: consent). */
  prompt?: string;
  /** Choose the Hugging Face account again (`--select-account`). */
  selectAccount?: boolean;
  /** The loopback port for the callback (default: a free one). */
  port?: number;
  /** Seconds to wait for the sign-in (default: 300). */
  timeout?: number;
}

/** `hflogin login --json`'s events, without `schemaVersion`. */
export type SignInEvent =
  | { event: 'url'; url: string; redirectUri: string; opened: boolean }
  | { event: 'waiting'; for: 'browser' | 'device'; timeoutSeconds: number }
  | {
      event: 'device';
      verificationUri: string;
      verificationUriComplete: string | null;
      userCode: string;
      expiresIn: number;
    }
  | ({ event: 'signed-in' } & SignInResult)
  | { event: 'warning'; code: 'connector_not_enabled'; message: string; hint: string; connector: string }
  | { event: 'error'; code: string; message: string; hint: string; exitCode: number };

/** Who signed in: `hflogin login --json`'s `signed-in` event. */
export interface SignInResult {
  profile: string;
  endpoint: string;
  user: UserSummary;
  huggingface: HuggingFaceIdentity | null;
  storage: StorageKind;
  /** The session this sign-in replaced, and whether it was revoked at Logto. */
  replaced: {
    endpoint: string;
    user: UserSummary;
    huggingface: HuggingFaceIdentity | null;
    revocation: 'revoked' | 'kept' | 'failed';
  } | null;
}

export interface SignOutOptions extends CommonOptions {
  /** Every profile of the config directory (`--all`). */
  all?: boolean;
}

export interface SignOutProfile {
  profile: string;
  outcome: 'none' | 'revoked' | 'removed-unrevoked' | 'removed-unreadable' | 'failed';
  endpoint: string | null;
  /** The API-resource and organization JWTs a revocation cannot reach, with their expiry. */
  stillValid: Array<{ audience: string; expiresAt: string }>;
  error: { code: string; message: string; hint: string; exitCode: number } | null;
  browserSignOut: { opened: boolean; url: string | null } | null;
}

/** `hflogin logout --json` without `schemaVersion`. */
export interface SignOutResult {
  profiles: SignOutProfile[];
}
