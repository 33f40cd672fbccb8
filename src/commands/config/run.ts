import {
  profileFlag,
  readConfig,
  unsetProfileKeys,
  updateProfile,
  type Profile,
} from '../../config/profiles.js';
import { keys, type Key } from '../../config/settingKeys.js';
import { resolveSettings } from '../../config/settings.js';
import { ExitCode, HfloginError } from '../../io/errors.js';
import { writeJson, writeLine } from '../../io/terminal.js';
import type { CommandDeps } from '../deps.js';
import { ErrorCode } from '../../io/errorCodes.js';

export interface ConfigOptions {
  profile?: string;
  json?: boolean;
}

async function profileName(options: ConfigOptions, deps: CommandDeps) {
  return resolveSettings({ profile: options.profile }, deps.env);
}

/** `config get|set|unset`: one setting, its name already checked by the definition. */
export interface SettingOptions extends ConfigOptions {
  key: Key;
}

export async function runConfigGet(options: SettingOptions, deps: CommandDeps): Promise<void> {
  const settings = await profileName(options, deps);
  const value = settings.saved[keys[options.key].field];
  if (value === undefined) {
    // Like `git config`: a missing key is exit 1, so scripts can tell it from a usage error.
    throw new HfloginError(`"${options.key}" is not set for profile "${settings.profile}".`, {
      code: ErrorCode.notSet,
      exitCode: ExitCode.failed,
      hint: `Set it with hflogin config set ${options.key} <value>${profileFlag(settings.profile)}${options.key === 'app-id' ? " (the App ID of the tenant's Native app, in Logto Console → Applications)" : ''}.`,
    });
  }
  if (options.json)
    writeJson(deps.stdout, { schemaVersion: 1, profile: settings.profile, key: options.key, value });
  else writeLine(deps.stdout, value);
}

export async function runConfigSet(
  options: SettingOptions & { value: string },
  deps: CommandDeps,
): Promise<void> {
  const settings = await profileName(options, deps);
  const key = keys[options.key];
  const value = key.parse(options.value);
  await updateProfile(settings.configDir, settings.profile, { [key.field]: value });
  // --json: what was done, by the CLI's own key names (schemaVersion 1).
  if (options.json)
    writeJson(deps.stdout, { schemaVersion: 1, profile: settings.profile, set: { [options.key]: value } });
}

export async function runConfigUnset(options: SettingOptions, deps: CommandDeps): Promise<void> {
  const settings = await profileName(options, deps);
  await unsetProfileKeys(settings.configDir, settings.profile, [keys[options.key].field]);
  if (options.json)
    writeJson(deps.stdout, { schemaVersion: 1, profile: settings.profile, unset: options.key });
}

/**
 * A profile's settings by the names the CLI uses (`app-id`, as in `config set app-id`), not the
 * config file's field names (`appId`); what the file holds beyond them is not a setting.
 */
export function byCliNames(profile: Profile): Partial<Record<Key, string>> {
  const named: Partial<Record<Key, string>> = {};
  for (const [name, key] of Object.entries(keys) as Array<[Key, (typeof keys)[Key]]>) {
    const value = profile[key.field];
    if (typeof value === 'string') named[name] = value;
  }
  return named;
}

export async function runConfigList(options: ConfigOptions, deps: CommandDeps): Promise<void> {
  const settings = await profileName(options, deps);
  if (options.json) {
    const file = await readConfig(settings.configDir);
    const profiles = Object.fromEntries(
      Object.entries(file.profiles).map(([name, profile]) => [name, byCliNames(profile)]),
    );
    writeJson(deps.stdout, { schemaVersion: 1, activeProfile: settings.profile, profiles });
    return;
  }
  for (const [name, key] of Object.entries(keys)) {
    const value = settings.saved[key.field];
    if (value !== undefined) writeLine(deps.stdout, `${name}=${value}`);
  }
}
