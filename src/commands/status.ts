import { readConfig } from '../config/profiles.js';
import { resolveSettings } from '../config/settings.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { writeLine } from '../io/terminal.js';
import { displayName } from '../logto/profile.js';
import { loadSession } from '../session/sessionStore.js';
import { isFresh } from '../session/validToken.js';
import type { CommandDeps } from './deps.js';

export interface StatusOptions {
  profile?: string;
  json?: boolean;
}

/**
 * valid: the access token is good for more than a minute; expired-refreshable: it is not, but a
 * refresh token is there (status never refreshes, so whether Logto still honours it shows on use);
 * needs-login: nothing usable is stored (or it is unreadable); signed-out: no session at all.
 */
export type SessionState = 'valid' | 'expired-refreshable' | 'needs-login' | 'signed-out';

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

/** `hflogin status`: every profile, read locally (no network, no refresh). */
export async function runStatus(options: StatusOptions, deps: CommandDeps): Promise<void> {
  const active = await resolveSettings({ profile: options.profile }, deps.env);
  const config = await readConfig(active.configDir);
  const names = [...new Set([active.profile, ...Object.keys(config.profiles)])].sort();
  const profiles: ProfileStatus[] = [];
  for (const name of names) {
    const settings = name === active.profile ? active : await resolveSettings({ profile: name }, deps.env);
    const status: ProfileStatus = {
      name,
      active: name === active.profile,
      endpoint: settings.endpoint ?? null,
      appId: settings.appId ?? null,
      user: null,
      huggingface: null,
      state: 'signed-out',
      accessTokenExpiresAt: null,
      storage: settings.storage,
      problem: null,
    };
    try {
      const store = await deps.openStore(settings.storage, settings.configDir);
      const session = await loadSession(store, name);
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
        status.state = isFresh(session.accessTokenExpiresAt, deps.now())
          ? 'valid'
          : session.refreshToken
            ? 'expired-refreshable'
            : 'needs-login';
      }
    } catch (error) {
      status.state = 'needs-login';
      status.problem = error instanceof Error ? error.message : String(error);
    }
    profiles.push(status);
  }

  if (options.json) {
    const output: StatusJson = { schemaVersion: 1, activeProfile: active.profile, profiles };
    writeLine(deps.stdout, JSON.stringify(output));
  } else {
    for (const profile of profiles) writeLine(deps.stdout, describe(profile));
  }
  const current = profiles.find((profile) => profile.active)!;
  if (current.state !== 'valid' && current.state !== 'expired-refreshable') {
    throw new HfloginError(`Profile "${current.name}" is not usable (${current.state}).`, {
      code: 'not_signed_in',
      exitCode: ExitCode.notSignedIn,
      hint:
        current.problem ??
        `Run hflogin login${current.name === 'default' ? '' : ` --profile ${current.name}`}.`,
    });
  }
}

function describe(profile: ProfileStatus): string {
  const marker = profile.active ? '*' : ' ';
  const host = profile.endpoint ? new URL(profile.endpoint).host : '(no endpoint)';
  const who = profile.user
    ? `${displayName({ ...profile.user, picture: null })}${profile.huggingface ? ` (${profile.huggingface})` : ''}`
    : '—';
  const until =
    profile.state === 'valid' && profile.accessTokenExpiresAt ? ` until ${profile.accessTokenExpiresAt}` : '';
  return `${marker} ${profile.name}  ${host}  ${who}  ${profile.state}${until}  [${profile.storage}]${
    profile.problem ? `  ${profile.problem}` : ''
  }`;
}
