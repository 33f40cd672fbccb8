/**
 * Every `code` hflogin's errors carry (HfloginError.code): the `code` of `--json` errors and login
 * events, so part of the contract in SPEC.md. Add names freely; never change a value.
 * (protocolError also passes a provider's own OAuth `error` through, e.g. invalid_grant.)
 */
export const ErrorCode = {
  accessDenied: 'access_denied',
  /** Logto knows no app with the app ID (or device-flow app ID) in force. */
  appNotFound: 'app_not_found',
  audienceRefused: 'audience_refused',
  configInvalid: 'config_invalid',
  deviceAppMissing: 'device_app_missing',
  doctorFailed: 'doctor_failed',
  expiredToken: 'expired_token',
  /** `hflogin api`: the API answered 4xx or 5xx (its answer is printed all the same). */
  httpStatus: 'http_status',
  interrupted: 'interrupted',
  invalidProfile: 'invalid_profile',
  invalidTarget: 'invalid_target',
  lockTimeout: 'lock_timeout',
  missingScope: 'missing_scope',
  network: 'network',
  networkTimeout: 'network_timeout',
  noRefreshToken: 'no_refresh_token',
  /** The device-flow app ID names an app that may not use the device flow (e.g. the Native app). */
  notDeviceApp: 'not_a_device_app',
  notSet: 'not_set',
  notSignedIn: 'not_signed_in',
  portUnavailable: 'port_unavailable',
  providerError: 'provider_error',
  providerUnavailable: 'provider_unavailable',
  /** The app does not register this sign-in's loopback redirect URI. */
  redirectUriNotRegistered: 'redirect_uri_not_registered',
  refreshIdentityMismatch: 'refresh_identity_mismatch',
  refreshRefused: 'refresh_refused',
  sessionCorrupt: 'session_corrupt',
  sessionExpired: 'session_expired',
  signInLinkReused: 'sign_in_link_reused',
  stateMismatch: 'state_mismatch',
  storageUnavailable: 'storage_unavailable',
  tenantMismatch: 'tenant_mismatch',
  tenantMissing: 'tenant_missing',
  timedOut: 'timed_out',
  tlsUntrusted: 'tls_untrusted',
  tokenRefused: 'token_refused',
  unauthorized: 'unauthorized',
  unexpected: 'unexpected',
  /** A config, session, lock or cache directory (or file) another user could change. */
  unsafePermissions: 'unsafe_permissions',
  usage: 'usage',
  userinfoFailed: 'userinfo_failed',
  verificationFailed: 'verification_failed',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
