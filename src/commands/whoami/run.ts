import { writeJson, writeLine } from '../../io/terminal.js';
import { displayName, huggingFaceIdentity, userSummary } from '../../logto/profile.js';
import { fetchUserinfo, isTokenRefused } from '../../oauth/userinfo.js';
import type { HuggingFaceIdentity, StoredSession, UserSummary } from '../../session/session.js';
import type { CommandDeps } from '../deps.js';
import { profileSession } from '../profileSession.js';

export interface WhoamiOptions {
  profile?: string;
  json?: boolean;
}

/** SPEC's `whoami --json` schema, version 1: fields are only ever added. */
export interface WhoamiJson {
  schemaVersion: 1;
  profile: string;
  endpoint: string;
  user: UserSummary;
  huggingface: HuggingFaceIdentity | null;
  session: { accessTokenExpiresAt: string; scopes: string[]; storage: 'keychain' | 'file' };
}

/** `hflogin whoami`: who is signed in, read fresh from userinfo (refreshing the token first if needed). */
export async function runWhoami(options: WhoamiOptions, deps: CommandDeps): Promise<void> {
  const { settings, owner } = await profileSession({ profile: options.profile }, deps);
  const readProfile = async (session: StoredSession): Promise<Record<string, unknown>> => {
    // With the endpoint known from sign-in, no discovery and no OIDC client are needed here
    // (oauth/userinfo.ts); a session saved without it discovers it.
    const endpoint = session.userinfoEndpoint ?? (await owner.discover(session)).as.userinfo_endpoint;
    return fetchUserinfo(endpoint, session.accessToken, session.user.id, {
      http: deps.http,
      signal: deps.signal,
      tenant: session.endpoint,
    });
  };
  let { session } = await owner.accessToken();
  let userinfo: Record<string, unknown>;
  try {
    userinfo = await readProfile(session);
  } catch (error) {
    // The provider refused a token we thought valid (revoked, or clocks disagree): refresh once.
    if (!isTokenRefused(error) || !session.refreshToken) throw error;
    ({ session } = await owner.accessToken({}, { force: true }));
    userinfo = await readProfile(session);
  }
  const user = userSummary(userinfo);
  const huggingface = huggingFaceIdentity(userinfo);

  if (options.json) {
    const output: WhoamiJson = {
      schemaVersion: 1,
      profile: settings.profile,
      endpoint: session.endpoint,
      user,
      huggingface,
      session: {
        accessTokenExpiresAt: session.accessTokenExpiresAt,
        scopes: session.scopes,
        storage: owner.storageKind,
      },
    };
    writeJson(deps.stdout, output);
    return;
  }
  const host = new URL(session.endpoint).host;
  const hf = huggingface?.username
    ? `Hugging Face: ${huggingface.username}`
    : 'no Hugging Face account linked';
  writeLine(deps.stdout, `Signed in to ${host} as ${displayName(user)} — ${hf}`);
}
