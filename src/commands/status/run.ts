import { resolveSettings } from '../../config/settings.js';
import { ExitCode, HfloginError, reportedInJson } from '../../io/errors.js';
import { relativeTime, duration } from '../../io/relativeTime.js';
import { alignColumns } from '../../io/table.js';
import { writeJson, writeLine } from '../../io/terminal.js';
import { displayName, type HuggingFaceIdentity, type UserSummary } from '../../logto/profile.js';
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
  /** The same objects as `whoami --json`'s, as saved at sign-in (status reads nothing from the network). */
  user: UserSummary | null;
  huggingface: HuggingFaceIdentity | null;
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
        status.user = userOf(session.user);
        status.huggingface = session.huggingface ? identityOf(session.huggingface) : null;
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
    for (const line of table(profiles, deps.now())) writeLine(deps.stdout, line);
  }
  // With --json the document above already says it (the active profile's state and problem).
  if (activeError) throw options.json ? reportedInJson(activeError) : activeError;
}

/** Exactly whoami's fields, whatever an older build saved alongside them. */
function userOf(user: UserSummary): UserSummary {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    picture: user.picture ?? null,
  };
}

function identityOf(identity: HuggingFaceIdentity): HuggingFaceIdentity {
  return {
    id: identity.id,
    username: identity.username,
    name: identity.name,
    email: identity.email,
    avatarUrl: identity.avatarUrl ?? null,
  };
}

/**
 * One aligned row per profile under a header, the active one marked `*`, the access token's time
 * relative to now ("valid for 57 min", "expired 3 h ago"); a profile's problem on the line below it.
 */
function table(profiles: ProfileStatus[], now: number): string[] {
  const rows = [
    ['', 'PROFILE', 'TENANT', 'USER', 'STATE', 'ACCESS TOKEN', 'STORAGE'],
    ...profiles.map((profile) => [
      profile.active ? '*' : '',
      profile.name,
      profile.endpoint ? new URL(profile.endpoint).host : '—',
      profile.user
        ? `${displayName(profile.user)}${profile.huggingface?.username ? ` (${profile.huggingface.username})` : ''}`
        : '—',
      profile.state,
      tokenTime(profile, now),
      profile.storage,
    ]),
  ];
  const lines = alignColumns(rows);
  const out = [lines[0]!];
  profiles.forEach((profile, index) => {
    out.push(lines[index + 1]!);
    if (profile.problem) out.push(`   ${profile.problem}`);
  });
  return out;
}

/** The access token's expiry, relative to now. */
function tokenTime(profile: ProfileStatus, now: number): string {
  const at = profile.accessTokenExpiresAt ? Date.parse(profile.accessTokenExpiresAt) : Number.NaN;
  if (Number.isNaN(at)) return '—';
  if (at <= now) return `expired ${relativeTime(at, now)}`;
  return profile.state === 'expiring'
    ? `expires ${relativeTime(at, now)}`
    : `valid for ${duration((at - now) / 1000)}`;
}
