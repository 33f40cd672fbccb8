import { ExitCode, HfloginError, usageError } from '../io/errors.js';
import { endpointString, parseEndpoint } from './endpoint.js';
import { configDir } from './paths.js';
import { assertProfileName, readConfig, type Profile, type StorageKind } from './profiles.js';
import { ErrorCode } from '../io/errorCodes.js';

/** What a command runs with, each value from the first of: flag, environment, profile, default. */
export interface Settings {
  profile: string;
  configDir: string;
  endpoint: string | undefined;
  appId: string | undefined;
  /** The tenant's device-flow app (a separate Logto app), if configured. */
  deviceAppId: string | undefined;
  storage: StorageKind;
  saved: Profile;
}

export interface SettingFlags {
  profile?: string;
  endpoint?: string;
  appId?: string;
  deviceAppId?: string;
  storage?: string;
}

export function parseStorageKind(value: string, from: string): StorageKind {
  if (value === 'keychain' || value === 'file') return value;
  throw usageError(
    `${from} must be "keychain" or "file", not "${value}".`,
    'Use keychain (the OS keychain, the default) or file (a 0600 file in the config directory).',
  );
}

export async function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv): Promise<Settings> {
  const profile = assertProfileName(flags.profile || env.HFLOGIN_PROFILE || 'default');
  const dir = configDir(env);
  const saved = (await readConfig(dir)).profiles[profile] ?? {};
  const rawEndpoint = flags.endpoint || env.HFLOGIN_ENDPOINT || saved.endpoint;
  const storage = flags.storage
    ? parseStorageKind(flags.storage, '--storage')
    : env.HFLOGIN_STORAGE
      ? parseStorageKind(env.HFLOGIN_STORAGE, 'HFLOGIN_STORAGE')
      : (saved.storage ?? 'keychain');
  return {
    profile,
    configDir: dir,
    endpoint: rawEndpoint ? endpointString(parseEndpoint(rawEndpoint)) : undefined,
    appId: flags.appId || env.HFLOGIN_APP_ID || saved.appId,
    deviceAppId: flags.deviceAppId || env.HFLOGIN_DEVICE_APP_ID || saved.deviceAppId,
    storage,
    saved,
  };
}

/** The endpoint and app ID a sign-in needs, or a usage error naming the flags and variables. */
export function requireTenant(settings: Settings): { endpoint: string; appId: string } {
  const missing = [
    settings.endpoint ? undefined : '--endpoint (or HFLOGIN_ENDPOINT)',
    settings.appId ? undefined : '--app-id (or HFLOGIN_APP_ID)',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new HfloginError(`No tenant configured for profile "${settings.profile}".`, {
      code: ErrorCode.tenantMissing,
      exitCode: ExitCode.usage,
      hint: `Pass ${missing.join(' and ')}, e.g. hflogin login --endpoint https://tenant.logto.app --app-id <app id>`,
    });
  }
  return { endpoint: settings.endpoint!, appId: settings.appId! };
}
