import { resolveSettings } from '../../config/settings.js';
import { ExitCode, HfloginError } from '../../io/errors.js';
import { writeLine } from '../../io/terminal.js';
import { interrupted } from '../../io/wait.js';
import type { CommandDeps } from '../deps.js';
import { everyProfile, profileSession } from '../profileSession.js';

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
  if (!options.all) {
    await logoutProfile(active.profile, deps, deps.env, false);
  } else {
    // Every profile of this config directory, whatever tenant is in force; one that fails (its
    // keychain locked, say) does not keep the others signed in.
    const failures: HfloginError[] = [];
    for (const { name, env } of await everyProfile(active, deps.env)) {
      try {
        await logoutProfile(name, deps, env, true);
      } catch (error) {
        if (!(error instanceof HfloginError) || error.exitCode === ExitCode.interrupted) throw error;
        writeLine(deps.stderr, `Profile "${name}": ${error.message}`);
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
  // Ctrl+C stopped the revocation; the session was still removed from this machine.
  if (deps.signal.aborted) throw interrupted();
}

async function logoutProfile(
  profile: string,
  deps: CommandDeps,
  env: NodeJS.ProcessEnv,
  anyTenant: boolean,
): Promise<void> {
  const { owner } = await profileSession({ profile }, deps, env);
  const outcome = await owner.signOut({ anyTenant });
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
