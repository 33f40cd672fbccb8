import { refreshTokenReuseGraceSeconds } from '../../src/logto/refreshTokens.js';

/**
 * Everything the emulator can be told, with defaults that mirror a fresh Logto tenant that has a
 * Native app for hflogin, a device-flow app, the Hugging Face connector enabled, one API resource
 * and one organization.
 */
export interface HuggingFaceUser {
  /** Hugging Face user ids are 24 hex digits (MongoDB ObjectIds). */
  sub: string;
  preferred_username: string;
  name: string;
  email: string | null;
  picture: string;
  isPro: boolean;
  orgs: Array<{
    sub: string;
    name: string;
    preferred_username: string;
    picture: string;
    isEnterprise: boolean;
  }>;
}

export interface LogtoUserSeed {
  id: string;
  username: string | null;
  password?: string;
  name: string | null;
  primaryEmail: string | null;
  avatar: string | null;
  /** Hugging Face users (by preferred_username) already linked to this Logto user. */
  linkedHuggingFace?: string;
}

export interface AppSeed {
  id: string;
  name: string;
  kind: 'native' | 'device';
  /** Logto "first-party" apps skip the consent screen. */
  thirdParty?: boolean;
  /** A native app's registered redirect URIs; by default `http://127.0.0.1/callback` (what hflogin needs). */
  redirectUris?: string[];
}

export interface ApiResourceSeed {
  indicator: string;
  name: string;
  scopes: string[];
  accessTokenTtl: number;
}

/**
 * An API the emulator serves itself (test/emulator/protectedApi.ts), at `path` under its own
 * address; its resource indicator is that URL (`${endpoint}${path}`), registered like any API
 * resource, so that a client's token for it is checked by a real JWT check.
 */
export interface ProtectedApiSeed {
  path: string;
  name: string;
  scopes: string[];
  /** Scopes every request must carry (403 insufficient_scope otherwise). */
  requiredScopes?: string[];
  accessTokenTtl: number;
}

export interface OrganizationSeed {
  id: string;
  name: string;
  /** Logto user ids. */
  members: string[];
  /** Organization-level scopes the members' roles grant. */
  scopes: string[];
}

/**
 * One defect at a time, for security tests of the client (issue 7). `null` is a well-behaved
 * provider.
 */
export type Fault =
  | 'id_token_bad_signature'
  | 'id_token_unknown_kid'
  | 'id_token_alg_none'
  | 'id_token_wrong_iss'
  | 'id_token_wrong_aud'
  | 'id_token_expired'
  | 'id_token_wrong_nonce'
  | 'id_token_missing_nonce'
  | 'auth_response_missing_iss'
  | 'auth_response_wrong_iss'
  | 'auth_response_wrong_state'
  | 'token_response_missing_id_token'
  | 'token_response_unsupported_token_type';

export const faults: readonly Fault[] = [
  'id_token_bad_signature',
  'id_token_unknown_kid',
  'id_token_alg_none',
  'id_token_wrong_iss',
  'id_token_wrong_aud',
  'id_token_expired',
  'id_token_wrong_nonce',
  'id_token_missing_nonce',
  'auth_response_missing_iss',
  'auth_response_wrong_iss',
  'auth_response_wrong_state',
  'token_response_missing_id_token',
  'token_response_unsupported_token_type',
];

/**
 * A defect in successful refresh_token responses only, for tests of what a client does with a
 * refreshed identity. Not in `faults`: sign-in is unaffected, so a client signs in and then meets it.
 */
export type RefreshFault = 'id_token_other_sub';

/**
 * Provider text made to attack a client's terminal (issue 14), each part replacing what the
 * emulator would have said. `null` is an honest provider.
 */
export interface HostileAnswers {
  /** Every request to this endpoint is refused: HTTP 400 with this OAuth error body. */
  refuse?: { route: 'token' | 'revocation'; error: string; error_description: string };
  /** The error_description of every error redirected back to the client (access_denied, say). */
  redirectErrorDescription?: string;
  /** These fields of every device authorization response. */
  device?: Partial<Record<'user_code' | 'verification_uri' | 'verification_uri_complete', string>>;
}

export interface EmulatorOptions {
  /** 0 picks a free port. The emulator listens on 127.0.0.1 only. */
  port: number;
  host: string;
  /** ES384 is Logto's default (EC P-384 keys); RS256 after a rotation to RSA keys. */
  signingAlg: 'ES384' | 'RS256';
  ttl: {
    accessToken: number;
    idToken: number;
    refreshToken: number;
    authorizationCode: number;
    deviceCode: number;
    session: number;
    interaction: number;
  };
  /** Logto treats a rotated refresh token as unused for this many seconds (oidc-model-instance.ts). */
  refreshTokenReuseIntervalSeconds: number;
  /**
   * Device-flow polling. Logto (oidc-provider 9) sends no `interval` and never answers `slow_down`;
   * with `interval` set the emulator advertises it, and with `slowDown` it answers polls that come
   * sooner with `slow_down` and adds 5 s to that code's interval (RFC 8628 §3.5). `slowDownPolls`
   * answers the first N polls of every code with `slow_down` whatever their timing, as a busy
   * server may.
   */
  deviceFlow: { interval: number | null; slowDown: boolean; slowDownPolls?: number };
  apps: AppSeed[];
  users: LogtoUserSeed[];
  huggingFaceUsers: HuggingFaceUser[];
  /** The Hugging Face social connector is enabled in the sign-in experience. */
  huggingFaceConnector: boolean;
  /**
   * Logto's public `/api/.well-known/sign-in-exp` is served (the default). `false` answers it 404,
   * as a reverse proxy that exposes only `/oidc` would.
   */
  signInExperience: boolean;
  /**
   * What happens when the person denies at Hugging Face. `abort` ends the authorization request
   * with `access_denied` (so clients can exercise that path); `sign-in-page` shows Logto's sign-in
   * page again with the error, as Logto's own experience does.
   */
  socialDenial: 'abort' | 'sign-in-page';
  resources: ApiResourceSeed[];
  /** APIs the emulator serves itself, each also an API resource (indicator: its own URL). */
  protectedApis: ProtectedApiSeed[];
  organizations: OrganizationSeed[];
  fault: Fault | null;
  /**
   * `id_token_other_sub`: the ID token of a successful refresh is validly signed by the tenant's key,
   * with the same iss, aud, iat and exp, but names another user as `sub`. Counted in
   * `stats.faultsApplied`; a refresh answered without an ID token (an organization token) is left alone.
   */
  refreshFault: RefreshFault | null;
  /** Hostile text in errors and device authorization responses (`HostileAnswers`); users with hostile claims are just `users`/`huggingFaceUsers`. */
  hostile: HostileAnswers | null;
  /**
   * Milliseconds a successful refresh_token response is held back after oidc-provider has rotated
   * the token (the old one is already consumed), so a client can be interrupted mid-refresh.
   * `emulator.events` emits `refresh` as the wait starts.
   */
  refreshResponseDelayMs: number;
  /**
   * Network trouble on every /oidc request, for clients' error handling: `slow` answers after
   * `slowMs`, `http_500` with a server error, `malformed_json` with a truncated JSON body.
   */
  networkFault: 'slow' | 'http_500' | 'malformed_json' | null;
  /**
   * A hostile provider's answers, for clients' refusals (issue 14): fields merged over the discovery
   * document and over successful device authorizations (an `undefined` value removes the field).
   * Empty, the default: the answers are Logto's own.
   */
  discoveryOverride: Record<string, unknown>;
  deviceAuthorizationOverride: Record<string, unknown>;
  /**
   * The `token_type` of successful token responses of one grant type (`null`: none at all), e.g.
   * `DPoP` on `refresh_token`. `null`, the default: Logto's `Bearer`.
   */
  tokenTypeOverride: { grantType: string; tokenType: string | null } | null;
  /** A provider whose clock is off by this many seconds: in issued ID tokens and the Date header. */
  clockSkewSeconds: number;
  slowMs: number;
  /** Serve HTTPS with this certificate (PEM); `ca` is what signed it, for the emulator's own calls. */
  tls: { key: string; cert: string; ca: string } | null;
}

export function defaultOptions(): EmulatorOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    signingAlg: 'ES384',
    ttl: {
      accessToken: 3600,
      idToken: 3600,
      refreshToken: 14 * 24 * 3600,
      authorizationCode: 60,
      deviceCode: 600,
      session: 14 * 24 * 3600,
      interaction: 3600,
    },
    refreshTokenReuseIntervalSeconds: refreshTokenReuseGraceSeconds,
    deviceFlow: { interval: null, slowDown: false },
    apps: [
      { id: 'hflogin-native-app', name: 'hflogin', kind: 'native' },
      { id: 'hflogin-device-app', name: 'hflogin (device)', kind: 'device' },
    ],
    users: [
      {
        id: 'u1alice00001',
        username: null,
        name: 'Alice Ng',
        primaryEmail: 'alice@example.com',
        avatar: 'https://cdn-avatars.huggingface.co/alice.png',
        linkedHuggingFace: 'alice-hf',
      },
      {
        id: 'u2lee0000002',
        username: 'lee',
        password: 'correct-horse-battery',
        name: 'Lee Logto',
        primaryEmail: 'lee@example.com',
        avatar: null,
      },
    ],
    huggingFaceUsers: [
      {
        sub: '65a1f0c2e4b0a1b2c3d4e5f6',
        preferred_username: 'alice-hf',
        name: 'Alice Ng',
        email: 'alice@example.com',
        picture: 'https://cdn-avatars.huggingface.co/alice.png',
        isPro: true,
        orgs: [
          {
            sub: '64b0aa11bb22cc33dd44ee55',
            name: 'Open Models',
            preferred_username: 'open-models',
            picture: 'https://cdn-avatars.huggingface.co/open-models.png',
            isEnterprise: false,
          },
        ],
      },
      {
        sub: '65b2e1d3f5c1b2c3d4e5f607',
        preferred_username: 'bob-hf',
        name: 'Bob Martin',
        email: null,
        picture: 'https://cdn-avatars.huggingface.co/bob.png',
        isPro: false,
        orgs: [],
      },
      {
        sub: '65c3f2e4a6d2c3d4e5f60718',
        preferred_username: 'somchai-hf',
        name: 'สมชาย ใจดี',
        email: 'somchai@example.co.th',
        picture: 'https://cdn-avatars.huggingface.co/somchai.png',
        isPro: false,
        orgs: [],
      },
    ],
    huggingFaceConnector: true,
    signInExperience: true,
    socialDenial: 'abort',
    resources: [
      {
        indicator: 'https://api.example.com',
        name: 'Example API',
        scopes: ['read:models', 'write:models'],
        accessTokenTtl: 3600,
      },
    ],
    protectedApis: [
      { path: '/echo', name: 'Echo API', scopes: ['read:echo', 'write:echo'], accessTokenTtl: 3600 },
      {
        path: '/echo/admin',
        name: 'Echo admin API',
        scopes: ['admin:echo'],
        requiredScopes: ['admin:echo'],
        accessTokenTtl: 3600,
      },
    ],
    organizations: [
      {
        id: 'org-open-models',
        name: 'Open Models',
        members: ['u1alice00001'],
        scopes: ['read:datasets', 'write:datasets'],
      },
    ],
    fault: null,
    refreshFault: null,
    hostile: null,
    refreshResponseDelayMs: 0,
    networkFault: null,
    discoveryOverride: {},
    deviceAuthorizationOverride: {},
    tokenTypeOverride: null,
    clockSkewSeconds: 0,
    slowMs: 5_000,
    tls: null,
  };
}

/** What startEmulator() takes: any option, and any part of the TTLs and device-flow settings. */
export type EmulatorOverrides = Omit<Partial<EmulatorOptions>, 'ttl' | 'deviceFlow'> & {
  ttl?: Partial<EmulatorOptions['ttl']>;
  deviceFlow?: Partial<EmulatorOptions['deviceFlow']>;
};

/** Deep enough merge for the emulator's options: objects merge one level, arrays replace. */
export function resolveOptions(overrides: EmulatorOverrides = {}): EmulatorOptions {
  const defaults = defaultOptions();
  return {
    ...defaults,
    ...overrides,
    ttl: { ...defaults.ttl, ...overrides.ttl },
    deviceFlow: { ...defaults.deviceFlow, ...overrides.deviceFlow },
  };
}
