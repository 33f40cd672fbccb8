import type { HuggingFaceIdentity, UserSummary } from '../logto/profile.js';

export type { HuggingFaceIdentity, UserSummary };

/**
 * A signed-in session as hflogin stores it. Everything here is secret as a whole: it lives only
 * in storage (keychain or the 0600 file), never in the config file.
 */
/** An access token for one audience: an API resource, an organization, or both. */
export interface AudienceToken {
  accessToken: string;
  tokenType: string;
  /** ISO-8601. */
  expiresAt: string;
  /** ISO-8601, when it was issued (absent in sessions saved by earlier builds): sets the refresh margin. */
  issuedAt?: string;
  scope: string[];
}

export interface StoredSession {
  schemaVersion: 1;
  endpoint: string;
  appId: string;
  accessToken: string;
  /** ISO-8601. */
  accessTokenExpiresAt: string;
  /** ISO-8601, when the access token was issued (absent in sessions saved by earlier builds). */
  accessTokenIssuedAt?: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
  scopes: string[];
  user: UserSummary;
  huggingface: HuggingFaceIdentity | null;
  /** From discovery at sign-in, so `whoami` can ask userinfo without discovering again. */
  userinfoEndpoint?: string;
  /**
   * The API resources the sign-in asked for (`login --resource`): what `hflogin api` picks a token's
   * audience from. Absent in sessions saved by earlier builds (see grantedResources()).
   */
  resources?: string[];
  /** Tokens for API resources and organizations, by audienceKey(), each from a refresh. */
  audiences?: Record<string, AudienceToken>;
  /**
   * ISO-8601, set when Logto refused the refresh token (`invalid_grant`: revoked, expired, or the
   * grant was revoked for reuse). The session is kept (a failed refresh never deletes it) but every
   * command reports it as needing a new sign-in instead of asking Logto again.
   */
  refreshRefusedAt?: string;
  /** ISO-8601, when the session was last written. */
  savedAt: string;
}

export function serializeSession(session: StoredSession): string {
  return JSON.stringify(session);
}

/** Parses what storage returned; anything unexpected is reported, never half-used. */
export function parseSession(text: string): StoredSession {
  const value = JSON.parse(text) as Partial<StoredSession>;
  if (
    value?.schemaVersion !== 1 ||
    typeof value.endpoint !== 'string' ||
    typeof value.appId !== 'string' ||
    typeof value.accessToken !== 'string' ||
    typeof value.accessTokenExpiresAt !== 'string' ||
    typeof value.user?.id !== 'string'
  ) {
    throw new Error('stored session has an unexpected shape');
  }
  return value as StoredSession;
}
