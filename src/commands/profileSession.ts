import { readConfig } from '../config/profiles.js';
import { resolveSettings, type SettingFlags, type Settings } from '../config/settings.js';
import { writeLine } from '../io/terminal.js';
import { openSession } from '../session/openSession.js';
import type { SessionOwner } from '../session/sessionOwner.js';
import type { CommandDeps } from './deps.js';

/** The settings in force for a profile (flags > env > profile) and the owner of its session. */
export async function profileSession(
  flags: SettingFlags,
  deps: CommandDeps,
  env: NodeJS.ProcessEnv = deps.env,
): Promise<{ settings: Settings; owner: SessionOwner }> {
  const settings = await resolveSettings(flags, env);
  return { settings, owner: await sessionOwnerFor(settings, deps) };
}

/** The owner of the session of the profile `settings` name, bound to their tenant. */
export function sessionOwnerFor(settings: Settings, deps: CommandDeps): Promise<SessionOwner> {
  return openSession(settings, {
    now: deps.now,
    http: deps.http,
    processes: deps.processes,
    signal: deps.signal,
    critical: deps.critical,
    openStore: deps.openStore,
    notice: (text) => writeLine(deps.stderr, text),
    debug: deps.debug,
  });
}

/**
 * Every profile of the config directory (its config file's, and the active one), sorted, each with
 * the environment its settings come from: the tenant variables (HFLOGIN_ENDPOINT…) name the active
 * profile's tenant, not every profile's. For `status` and `logout --all`.
 */
export async function everyProfile(
  active: Settings,
  env: NodeJS.ProcessEnv,
): Promise<Array<{ name: string; active: boolean; env: NodeJS.ProcessEnv }>> {
  const names = new Set([active.profile, ...Object.keys((await readConfig(active.configDir)).profiles)]);
  return [...names].sort().map((name) => {
    const isActive = name === active.profile;
    return { name, active: isActive, env: isActive ? env : envForOtherProfiles(env) };
  });
}

function envForOtherProfiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const {
    HFLOGIN_ENDPOINT: _endpoint,
    HFLOGIN_APP_ID: _appId,
    HFLOGIN_DEVICE_APP_ID: _deviceAppId,
    HFLOGIN_PROFILE: _profile,
    ...rest
  } = env;
  return rest;
}
