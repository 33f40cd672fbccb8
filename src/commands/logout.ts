import { readConfig } from '../config/profiles.js';
import { resolveSettings } from '../config/settings.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { writeLine } from '../io/terminal.js';
import { discover } from '../oauth/provider.js';
import { revokeToken } from '../oauth/revoke.js';
import type { StoredSession } from '../session/session.js';
import { loadSession } from '../session/sessionStore.js';
import type { CommandDeps } from './deps.js';

export interface LogoutOptions {
  profile?: string;
  all?: boolean;
}

/**
 * `hflogin logout`: revoke at Logto (the refresh token, which takes the whole grant with it), then
 * forget the local session. Local removal happens even when Logto cannot be reached; then the
 * person is told the grant may still be live.
 */
export async function runLogout(options: LogoutOptions, deps: CommandDeps): Promise<void> {
  if (!options.all) return logoutProfile(options.profile, deps);
  const active = await resolveSettings({ profile: options.profile }, deps.env);
  const names = new Set([active.profile, ...Object.keys((await readConfig(active.configDir)).profiles)]);
  for (const name of [...names].sort()) await logoutProfile(name, deps);
}

async function logoutProfile(profile: string | undefined, deps: CommandDeps): Promise<void> {
  const settings = await resolveSettings({ profile }, deps.env);
  const store = await deps.openStore(settings.storage, settings.configDir);
  let session: StoredSession | null = null;
  let unreadable = false;
  try {
    session = await loadSession(store, settings.profile);
  } catch (error) {
    // A damaged entry cannot be revoked, but it can still be removed.
    if (!(error instanceof HfloginError) || error.exitCode !== ExitCode.notSignedIn) throw error;
    unreadable = true;
  }
  if (!session && !unreadable) {
    writeLine(deps.stderr, `Not signed in (profile "${settings.profile}"); nothing to do.`);
    return;
  }

  let revocation: string;
  if (session) {
    const host = new URL(session.endpoint).host;
    try {
      const provider = await discover(session.endpoint, session.appId, deps.signal);
      if (session.refreshToken)
        await revokeToken(provider, session.refreshToken, 'refresh_token', deps.signal);
      else await revokeToken(provider, session.accessToken, 'access_token', deps.signal);
      revocation = `Signed out of ${host} (profile "${settings.profile}"): the session was revoked and removed from this machine.`;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      revocation = `Removed the session from this machine, but could not revoke it at ${host} (${reason}); the grant may still be live until it expires.`;
    }
  } else {
    revocation = 'Removed an unreadable session from this machine (it could not be revoked).';
  }
  await store.clear(settings.profile);
  writeLine(deps.stderr, revocation);
}
