import { readConfig } from '../config/profiles.js';
import { resolveSettings } from '../config/settings.js';
import { writeLine } from '../io/terminal.js';
import type { CommandDeps } from './deps.js';
import { envForOtherProfiles, profileSession } from './profileSession.js';

export interface LogoutOptions {
  profile?: string;
  all?: boolean;
}

/**
 * `hflogin logout`: revoke at Logto (the refresh token, which takes the whole grant with it), then
 * forget the local session, both by the session's owner under its lock. Local removal happens even
 * when Logto cannot be reached; then the person is told the grant may still be live.
 */
export async function runLogout(options: LogoutOptions, deps: CommandDeps): Promise<void> {
  const active = await resolveSettings({ profile: options.profile }, deps.env);
  if (!options.all) return logoutProfile(active.profile, deps, deps.env);
  const names = new Set([active.profile, ...Object.keys((await readConfig(active.configDir)).profiles)]);
  for (const name of [...names].sort())
    await logoutProfile(name, deps, name === active.profile ? deps.env : envForOtherProfiles(deps.env));
}

async function logoutProfile(profile: string, deps: CommandDeps, env: NodeJS.ProcessEnv): Promise<void> {
  const { owner } = await profileSession({ profile }, deps, env);
  const outcome = await owner.signOut();
  switch (outcome.kind) {
    case 'none':
      writeLine(deps.stderr, `Not signed in (profile "${profile}"); nothing to do.`);
      return;
    case 'removed-unreadable':
      writeLine(deps.stderr, 'Removed an unreadable session from this machine (it could not be revoked).');
      return;
    case 'revoked':
      writeLine(
        deps.stderr,
        `Signed out of ${new URL(outcome.session.endpoint).host} (profile "${profile}"): the session was revoked and removed from this machine.`,
      );
      return;
    case 'removed-unrevoked':
      writeLine(
        deps.stderr,
        `Removed the session from this machine, but could not revoke it at ${new URL(outcome.session.endpoint).host} (${outcome.reason}); the grant may still be live until it expires.`,
      );
  }
}
