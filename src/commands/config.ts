import { endpointString, parseEndpoint } from '../config/endpoint.js';
import { readConfig, unsetProfileKeys, updateProfile, type Profile } from '../config/profiles.js';
import { parseStorageKind, resolveSettings } from '../config/settings.js';
import { ExitCode, HfloginError, usageError } from '../io/errors.js';
import { writeLine } from '../io/terminal.js';
import type { CommandDeps } from './deps.js';
import { ErrorCode } from '../io/errorCodes.js';

/** The settings a profile keeps (never a secret), by their command-line names. */
const keys = {
  endpoint: { field: 'endpoint', parse: (value: string) => endpointString(parseEndpoint(value)) },
  'app-id': { field: 'appId', parse: (value: string) => nonEmpty(value, 'app-id') },
  'device-app-id': { field: 'deviceAppId', parse: (value: string) => nonEmpty(value, 'device-app-id') },
  connector: { field: 'connector', parse: (value: string) => parseConnector(value) },
  storage: { field: 'storage', parse: (value: string) => parseStorageKind(value, 'storage') },
} as const satisfies Record<string, { field: keyof Profile; parse: (value: string) => string }>;
type Key = keyof typeof keys;

function parseConnector(value: string): string {
  const target = value.trim();
  if (target !== 'none' && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(target)) {
    throw usageError(
      `"${value}" is not a connector target.`,
      "Use e.g. huggingface, or none for Logto's own page.",
    );
  }
  return target;
}

function nonEmpty(value: string, name: string): string {
  if (value.trim() === '') throw usageError(`${name} cannot be empty.`);
  return value.trim();
}

function keyOf(name: string): Key {
  if (name in keys) return name as Key;
  throw usageError(`Unknown setting "${name}".`, `Settings: ${Object.keys(keys).join(', ')}.`);
}

export interface ConfigOptions {
  profile?: string;
  json?: boolean;
}

async function profileName(options: ConfigOptions, deps: CommandDeps) {
  return resolveSettings({ profile: options.profile }, deps.env);
}

export const settingNames = Object.keys(keys);

export async function runConfigGet(name: string, options: ConfigOptions, deps: CommandDeps): Promise<void> {
  const settings = await profileName(options, deps);
  const value = settings.saved[keys[keyOf(name)].field];
  if (value === undefined) {
    // Like `git config`: a missing key is exit 1, so scripts can tell it from a usage error.
    throw new HfloginError(`"${name}" is not set for profile "${settings.profile}".`, {
      code: ErrorCode.notSet,
      exitCode: ExitCode.failed,
    });
  }
  writeLine(deps.stdout, value);
}

export async function runConfigSet(
  name: string,
  value: string,
  options: ConfigOptions,
  deps: CommandDeps,
): Promise<void> {
  const settings = await profileName(options, deps);
  const key = keys[keyOf(name)];
  await updateProfile(settings.configDir, settings.profile, { [key.field]: key.parse(value) });
}

export async function runConfigUnset(name: string, options: ConfigOptions, deps: CommandDeps): Promise<void> {
  const settings = await profileName(options, deps);
  await unsetProfileKeys(settings.configDir, settings.profile, [keys[keyOf(name)].field]);
}

export async function runConfigList(options: ConfigOptions, deps: CommandDeps): Promise<void> {
  const settings = await profileName(options, deps);
  if (options.json) {
    const file = await readConfig(settings.configDir);
    writeLine(
      deps.stdout,
      JSON.stringify({ schemaVersion: 1, activeProfile: settings.profile, profiles: file.profiles }),
    );
    return;
  }
  for (const [name, key] of Object.entries(keys)) {
    const value = settings.saved[key.field];
    if (value !== undefined) writeLine(deps.stdout, `${name}=${value}`);
  }
}
