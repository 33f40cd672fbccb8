import { serializeSession, type StoredSession } from '../../src/session/session.js';
import { updateProfile, type StorageKind } from '../../src/config/profiles.js';
import { huggingFaceIdentity, userSummary } from '../../src/logto/profile.js';
import { openStore } from '../../src/storage/openStore.js';
import type { SecretStore } from '../../src/storage/secretStore.js';
import type { Emulator } from '../emulator/index.js';
import { TestClient } from './oidcClient.js';

/** The store hflogin itself uses for that config directory (keychain items scoped to it). */
export function storeFor(kind: StorageKind, configDir: string) {
  return openStore(kind, configDir, {});
}

/**
 * A signed-in profile without a browser: a real sign-in at the emulator over HTTP, stored exactly
 * as `hflogin login` stores it (its login path has its own end-to-end tests).
 */
export async function seedSignedInSession(
  emulator: Emulator,
  /** `store`: where to save it (an in-process test's fake keychain); by default hflogin's own. */
  target: { configDir: string; profile: string; storage: StorageKind; store?: SecretStore },
  request: { params?: Record<string, string>; user?: string; ca?: string } = {},
): Promise<StoredSession> {
  const client = await TestClient.discover(emulator, emulator.appId, undefined, request.ca);
  const { tokens } = await client.signIn(request.params, request.user);
  const userinfo = await client.userinfo(tokens.access_token);
  const now = Date.now();
  const session: StoredSession = {
    schemaVersion: 1,
    endpoint: emulator.endpoint,
    appId: emulator.appId,
    accessToken: tokens.access_token,
    accessTokenExpiresAt: new Date(now + (tokens.expires_in ?? 3600) * 1000).toISOString(),
    accessTokenIssuedAt: new Date(now).toISOString(),
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    scopes: (tokens.scope ?? '').split(' '),
    user: userSummary(userinfo),
    huggingface: huggingFaceIdentity(userinfo),
    userinfoEndpoint: client.as.userinfo_endpoint,
    savedAt: new Date(now).toISOString(),
  };
  await (target.store ?? (await storeFor(target.storage, target.configDir))).save(
    target.profile,
    serializeSession(session),
  );
  await updateProfile(target.configDir, target.profile, {
    endpoint: emulator.endpoint,
    appId: emulator.appId,
    storage: target.storage,
  });
  return session;
}
