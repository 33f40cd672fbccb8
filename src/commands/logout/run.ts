import { resolveSettings } from '../../config/settings.js';
import { ExitCode, HfloginError } from '../../io/errors.js';
import { reportedInJson } from '../../io/errors.js';
import { writeJson, writeLine } from '../../io/terminal.js';
import { interrupted } from '../../io/wait.js';
import { audienceOfKey, describeAudience } from '../../session/audience.js';
import type { StoredSession } from '../../session/session.js';
import type { CommandDeps } from '../deps.js';
import { everyProfile, profileSession } from '../profileSession.js';
import { endBrowserSession, type BrowserSignOutJson } from './browserSignOut.js';

export interface LogoutOptions {
  profile?: string;
  all?: boolean;
  /** --browser: also end Logto's session in the browser (./browserSignOut.ts). */
  browser?: boolean;
  json?: boolean;
}

/** What `logout --json` says of each profile (schemaVersion 1). */
export interface LogoutProfileJson {
  profile: string;
  /** none: nothing was stored; revoked: revoked at Logto and removed; removed-unrevoked: removed, the revocation failed; removed-unreadable: a damaged session removed; failed: see `error`. */
  outcome: 'none' | 'revoked' | 'removed-unrevoked' | 'removed-unreadable' | 'failed';
  endpoint: string | null;
  /** The API-resource and organization JWTs a revocation cannot reach, with their expiry. */
  stillValid: Array<{ audience: string; expiresAt: string }>;
  error: { code: string; message: string; hint: string; exitCode: number } | null;
  /** With --browser, when there was a session: what was done in the browser; null otherwise. */
  browserSignOut: BrowserSignOutJson | null;
}

/**
 * `hflogin logout`: revoke at Logto (the refresh token, which takes the whole grant with it), then
 * forget the local session, both by the session's owner under its lock. Local removal happens even
 * when Logto cannot be reached; then the person is told the grant may still be live. After a
 * revocation, the API-resource and organization JWTs it cannot reach are named with their expiry.
 */
export async function runLogout(options: LogoutOptions, deps: CommandDeps): Promise<void> {
  const active = await resolveSettings({ profile: options.profile }, deps.env);
  const results: LogoutProfileJson[] = [];
  const failures: HfloginError[] = [];
  // One browser session per tenant: `logout --all --browser` opens each tenant's page once.
  const browser = options.browser ? new Set<string>() : undefined;
  if (!options.all) {
    results.push(await logoutProfile(active.profile, deps, deps.env, false, browser));
  } else {
    // Every profile of this config directory, whatever tenant is in force; one that fails (its
    // keychain locked, say) does not keep the others signed in.
    for (const { name, env } of await everyProfile(active, deps.env)) {
      try {
        results.push(await logoutProfile(name, deps, env, true, browser));
      } catch (error) {
        if (!(error instanceof HfloginError) || error.exitCode === ExitCode.interrupted) throw error;
        writeLine(deps.stderr, `Profile "${name}": ${error.message}`);
        failures.push(error);
        results.push({
          profile: name,
          outcome: 'failed',
          endpoint: null,
          stillValid: [],
          error: { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode },
          browserSignOut: null,
        });
      }
    }
  }
  // One document for the whole run; a failure of `logout --all` is in it, so it is not repeated.
  if (options.json) writeJson(deps.stdout, { schemaVersion: 1, profiles: results });
  if (failures.length > 0) throw options.json ? reportedInJson(failures[0]!) : failures[0];
  // Ctrl+C stopped the revocation; the session was still removed from this machine.
  if (deps.signal.aborted) throw interrupted();
}

async function logoutProfile(
  profile: string,
  deps: CommandDeps,
  env: NodeJS.ProcessEnv,
  anyTenant: boolean,
  /** With --browser: the tenants whose browser session this run has already ended. */
  browser: Set<string> | undefined,
): Promise<LogoutProfileJson> {
  const { owner } = await profileSession({ profile }, deps, env);
  const outcome = await owner.signOut({ anyTenant });
  const result: LogoutProfileJson = {
    profile,
    outcome: outcome.kind,
    endpoint:
      outcome.kind === 'none' || outcome.kind === 'removed-unreadable' ? null : outcome.session.endpoint,
    stillValid: outcome.kind === 'revoked' ? outlivingRevocation(outcome.session, deps.now()) : [],
    error: null,
    browserSignOut: null,
  };
  switch (outcome.kind) {
    case 'none':
      writeLine(deps.stderr, `Not signed in (profile "${profile}"); nothing to do.`);
      return result;
    case 'removed-unreadable':
      writeLine(deps.stderr, 'Removed an unreadable session from this machine (it could not be revoked).');
      return result;
    case 'revoked':
      writeLine(
        deps.stderr,
        `Signed out of ${new URL(outcome.session.endpoint).host} (profile "${profile}"): the session was revoked and removed from this machine.`,
      );
      for (const { audience, expiresAt } of result.stillValid)
        writeLine(
          deps.stderr,
          `Tokens for ${audience} stay valid until ${expiresAt} (JWTs cannot be revoked).`,
        );
      break;
    case 'removed-unrevoked':
      writeLine(
        deps.stderr,
        `Removed the session from this machine, but could not revoke it at ${new URL(outcome.session.endpoint).host} (${outcome.reason}); the grant may still be live until it expires.`,
      );
      break;
  }
  // After the local sign-out, never before: the browser is the part that may not work here.
  if (browser && !browser.has(outcome.session.endpoint)) {
    browser.add(outcome.session.endpoint);
    result.browserSignOut = await endBrowserSession(outcome.session, owner, deps);
  }
  return result;
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
