/**
 * The Logto user and the Hugging Face identity Logto linked, as Logto's userinfo (`/oidc/me`)
 * describes them. Logto source: packages/toolkit/core-kit/src/openid.ts (the claims each scope
 * maps to: `username` with profile, `identities` with the identities scope) and
 * packages/core/src/oidc/scope.ts (getUserClaimsData: `identities` is `{ [target]: { userId, details } }`).
 */

/** The Hugging Face account Logto linked to the user (see huggingFaceIdentity below). */
export interface HuggingFaceIdentity {
  id: string;
  username: string | null;
  name: string | null;
  email: string | null;
  avatarUrl: string | null;
}

/** The Logto user, from userinfo (OIDC standard claims plus Logto's `username`). */
export interface UserSummary {
  id: string;
  username: string | null;
  name: string | null;
  email: string | null;
  picture: string | null;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The Logto user as userinfo describes them. */
export function userSummary(userinfo: Json): UserSummary {
  return {
    id: String(userinfo.sub),
    username: text(userinfo.username),
    name: text(userinfo.name),
    email: text(userinfo.email),
    picture: text(userinfo.picture),
  };
}

/**
 * The Hugging Face identity Logto linked: userinfo `identities.huggingface = { userId, details }`,
 * where Logto's connector keeps Hugging Face's own userinfo in `details.rawData`; the username is
 * only there, as `preferred_username`.
 */
export function huggingFaceIdentity(userinfo: Json): HuggingFaceIdentity | null {
  const identities = userinfo.identities as Json | undefined;
  const identity = identities?.huggingface as Json | undefined;
  if (!identity || typeof identity !== 'object') return null;
  const details = (identity.details ?? {}) as Json;
  const raw = (details.rawData ?? {}) as Json;
  return {
    id: String(identity.userId ?? details.id ?? raw.sub),
    username: text(raw.preferred_username),
    name: text(details.name) ?? text(raw.name),
    email: text(details.email) ?? text(raw.email),
    avatarUrl: text(details.avatar) ?? text(raw.picture),
  };
}

/** How to name the person in one line: their name, else username, else email, else id. */
export function displayName(user: UserSummary): string {
  return user.name ?? user.username ?? user.email ?? user.id;
}
