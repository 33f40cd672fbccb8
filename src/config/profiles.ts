import { HfloginError, ExitCode } from '../io/errors.js';
import { writeFileAtomic } from './atomicWrite.js';
import { ensurePrivateDir, processOwner, readPrivateFile, type Owner } from './ownership.js';
import { configFile } from './paths.js';
import { ErrorCode } from '../io/errorCodes.js';

export type StorageKind = 'keychain' | 'file';

/** A profile's saved settings. Never a secret: those live in storage. */
export interface Profile {
  endpoint?: string;
  appId?: string;
  deviceAppId?: string;
  /** The social connector target login goes straight to; "none" shows Logto's own page. */
  connector?: string;
  storage?: StorageKind;
}

export interface ConfigFile {
  schemaVersion: 1;
  profiles: Record<string, Profile>;
}

const profileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Windows device names, with or without an extension (`con.txt` is the console too): the file store
 * names a file after the profile, and profiles move between machines, so they are refused on every
 * platform. The pattern above is ASCII-only, so the superscript-digit forms (COM¹) cannot occur.
 */
const reservedDeviceName = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/i;

export function assertProfileName(name: string): string {
  if (!profileNamePattern.test(name) || name.endsWith('.')) {
    throw new HfloginError(`"${name}" is not a valid profile name.`, {
      code: ErrorCode.invalidProfile,
      exitCode: ExitCode.usage,
      hint: 'Use letters, digits, dot, dash and underscore (up to 64), not ending in a dot.',
    });
  }
  if (reservedDeviceName.test(name)) {
    throw new HfloginError(`"${name}" is not a valid profile name: it is a device name on Windows.`, {
      code: ErrorCode.invalidProfile,
      exitCode: ExitCode.usage,
      hint: 'CON, PRN, AUX, NUL, COM0-COM9 and LPT0-LPT9 (with or without an extension) name devices on Windows; choose another name.',
    });
  }
  return name;
}

/** ` --profile <name>` for a command line in a hint; nothing for the default profile. */
export function profileFlag(profile: string): string {
  return profile === 'default' ? '' : ` --profile ${profile}`;
}

/**
 * The config file's text, or null when there is none. Another user's directory (or one others may
 * write, or under one they may) is refused, and so is a link at config.json: its endpoint decides
 * where the next sign-in goes, so it must be this user's own file (src/config/ownership.ts).
 */
function readConfigText(dir: string, uid: Owner): Promise<string | null> {
  return readPrivateFile(
    { path: configFile(dir), role: 'config file', forbidden: 0o022 },
    { path: dir, role: 'config directory' },
    uid,
  );
}

export async function readConfig(dir: string, uid: Owner = processOwner()): Promise<ConfigFile> {
  let text: string | null;
  try {
    text = await readConfigText(dir, uid);
  } catch (error) {
    if (error instanceof HfloginError) throw error;
    throw unusableConfigDir(dir, error);
  }
  if (text === null) return { schemaVersion: 1, profiles: {} };
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.profiles !== 'object')
      throw new Error('no profiles');
    return { schemaVersion: 1, profiles: parsed.profiles ?? {} };
  } catch (cause) {
    throw new HfloginError(`The config file ${configFile(dir)} is not valid JSON.`, {
      code: ErrorCode.configInvalid,
      exitCode: ExitCode.usage,
      hint: 'Fix or delete it; it holds no secrets.',
      cause,
    });
  }
}

export async function writeConfig(
  dir: string,
  config: ConfigFile,
  uid: Owner = processOwner(),
): Promise<void> {
  try {
    ensurePrivateDir(dir, 'config directory', { uid });
    await writeFileAtomic(configFile(dir), `${JSON.stringify(config, null, 2)}\n`, 0o600);
  } catch (error) {
    if (error instanceof HfloginError) throw error;
    throw unusableConfigDir(dir, error);
  }
}

/** A config directory that cannot be read or written (a file in its path, no permission). */
function unusableConfigDir(dir: string, error: unknown): HfloginError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new HfloginError(`The config directory ${dir} cannot be used (${reason}).`, {
    code: ErrorCode.configInvalid,
    exitCode: ExitCode.usage,
    hint: 'HFLOGIN_CONFIG_DIR (or XDG_CONFIG_HOME) must name a directory you can read and write.',
    cause: error,
  });
}

/** Merges `changes` into one profile and writes the file atomically (0600, dir 0700). */
export async function updateProfile(dir: string, name: string, changes: Profile): Promise<void> {
  const config = await readConfig(dir);
  config.profiles[name] = { ...config.profiles[name], ...changes };
  await writeConfig(dir, config);
}

/** Removes settings from a profile (the profile goes when nothing is left). */
export async function unsetProfileKeys(
  dir: string,
  name: string,
  keys: Array<keyof Profile>,
): Promise<boolean> {
  const config = await readConfig(dir);
  const profile = config.profiles[name];
  if (!profile || !keys.some((key) => key in profile)) return false;
  for (const key of keys) delete profile[key];
  if (Object.keys(profile).length === 0) delete config.profiles[name];
  await writeConfig(dir, config);
  return true;
}
