import { resolveSettings } from '../../config/settings.js';
import { ExitCode, HfloginError, reportedInJson } from '../../io/errors.js';
import { writeJson, writeLine } from '../../io/terminal.js';
import { displayName } from '../../logto/profile.js';
import type { SessionState } from '../../session/freshness.js';
import type { CommandDeps } from '../deps.js';
import { everyProfile, profileSession } from '../profileSession.js';

export interface StatusOptions {
  profile?: string;
  json?: boolean;
}

export type { SessionState };

export interface ProfileStatus {
  name: string;
  active: boolean;
  endpoint: string | null;
  appId: string | null;
  user: { id: string; name: string | null; username: string | null; email: string | null } | null;
  huggingface: string | null;
  state: SessionState;
  accessTokenExpiresAt: string | null;
  storage: 'keychain' | 'file';
  problem: string | null;
}

export interface StatusJson {
  schemaVersion: 1;
  activeProfile: string;
  profiles: ProfileStatus[];
}

/**
 * `hflogin status`: every profile, read locally (no network, no refresh). Its exit code is what
 * `token` or `whoami` would end with for the active profile, so the two never disagree: 0 for
 * valid, expiring and expired-refreshable; 4 for refresh-refused, needs-login and signed-out; 6 for
 * storage-unavailable; 2 for a session of another tenant than the settings in force.
 */
export async function runStatus(options: StatusOptions, deps: CommandDeps): Promise<void> {
  const active = await resolveSettings({ profile: options.profile }, deps.env);
  const profiles: ProfileStatus[] = [];
  let activeError: HfloginError | null = null;
  for (const { name, active: isActive, env } of await everyProfile(active, deps.env)) {
    const settings = isActive ? active : await resolveSettings({ profile: name }, env);
    const status: ProfileStatus = {
      name,
      active: isActive,
      endpoint: settings.endpoint ?? null,
      appId: settings.appId ?? null,
      user: null,
      huggingface: null,
      state: 'signed-out',
      accessTokenExpiresAt: null,
      storage: settings.storage,
      problem: null,
    };
    let error: HfloginError | null;
    try {
      const { owner } = await profileSession({ profile: name }, deps, env);
      const report = await owner.report();
      const session = report.session;
      status.state = report.state;
      status.problem = report.problem;
      error = report.error;
      if (session) {
        status.endpoint = session.endpoint;
        status.appId = session.appId;
        status.user = {
          id: session.user.id,
          name: session.user.name,
          username: session.user.username,
          email: session.user.email,
        };
        status.huggingface = session.huggingface?.username ?? null;
        status.accessTokenExpiresAt = session.accessTokenExpiresAt;
      }
    } catch (caught) {
      // The keychain itself could not be opened (its native addon failed to load).
      if (!(caught instanceof HfloginError) || caught.exitCode !== ExitCode.storage) throw caught;
      status.state = 'storage-unavailable';
      status.problem = caught.message;
      error = caught;
    }
    if (isActive) activeError = error;
    profiles.push(status);
  }

  if (options.json) {
    const output: StatusJson = { schemaVersion: 1, activeProfile: active.profile, profiles };
    writeJson(deps.stdout, output);
  } else {
    for (const profile of profiles) writeLine(deps.stdout, describe(profile));
  }
  // With --json the document above already says it (the active profile's state and problem).
  if (activeError) throw options.json ? reportedInJson(activeError) : activeError;
}

function describe(profile: ProfileStatus): string {
  const marker = profile.active ? '*' : ' ';
  const host = profile.endpoint ? new URL(profile.endpoint).host : '(no endpoint)';
  const who = profile.user
    ? `${displayName({ ...profile.user, picture: null })}${profile.huggingface ? ` (${profile.huggingface})` : ''}`
    : '—';
  const until =
    (profile.state === 'valid' || profile.state === 'expiring') && profile.accessTokenExpiresAt
      ? ` until ${profile.accessTokenExpiresAt}`
      : '';
  return `${marker} ${profile.name}  ${host}  ${who}  ${profile.state}${until}  [${profile.storage}]${
    profile.problem ? `  ${profile.problem}` : ''
  }`;
}
