import { resolveSettings } from '../../config/settings.js';
import { ExitCode, HfloginError } from '../../io/errors.js';
import { writeLine } from '../../io/terminal.js';
import { interrupted } from '../../io/wait.js';
import { audienceOfKey, describeAudience } from '../../session/audience.js';
import type { StoredSession } from '../../session/session.js';
import type { CommandDeps } from '../deps.js';
import { everyProfile, profileSession } from '../profileSession.js';

export interface LogoutOptions {
  profile?: string;
  all?: boolean;
}

/**
 * `hflogin logout`: revoke at Logto (the refresh token, which takes the whole grant with it), then
 * forget the local session, both by the session's owner under its lock. Local removal happens even
 * when Logto cannot be reached; then the person is told the grant may still be live. After a
 * revocation, the API-resource and organization JWTs it cannot reach are named with their expiry.
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
      for (const { audience, expiresAt } of outlivingRevocation(outcome.session, deps.now()))
        writeLine(
          deps.stderr,
          `Tokens for ${audience} stay valid until ${expiresAt} (JWTs cannot be revoked).`,
        );
      return;
    case 'removed-unrevoked':
      writeLine(
        deps.stderr,
        `Removed the session from this machine, but could not revoke it at ${new URL(outcome.session.endpoint).host} (${outcome.reason}); the grant may still be live until it expires.`,
      );
  }
}

/**
 * The tokens a revocation leaves valid. Revoking Logto's refresh token revokes the grant and the
 * opaque access token with it, but API-resource and organization access tokens are JWTs, checked
 * by their audience without asking Logto: each stays valid until its `exp`. Copies handed out by
 * `hflogin token` are still usable until then, so the person is told which and until when.
 */
function outlivingRevocation(
  session: StoredSession,
  now: number,
): Array<{ audience: string; expiresAt: string }> {
  return Object.entries(session.audiences ?? {})
    .filter(([key, token]) => key !== '' && Date.parse(token.expiresAt) > now)
    .map(([key, token]) => ({
      audience: describeAudience(audienceOfKey(key)),
      expiresAt: new Date(token.expiresAt).toISOString(),
    }))
    .sort((a, b) => a.audience.localeCompare(b.audience));
}
