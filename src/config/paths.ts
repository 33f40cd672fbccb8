import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { sha256Hex } from '../io/sha256.js';

/**
 * Where config, lock and (file storage) secrets live: `$HFLOGIN_CONFIG_DIR`, else the platform's
 * config directory: `$XDG_CONFIG_HOME/hflogin` (default `~/.config/hflogin`) on Linux,
 * `~/Library/Application Support/hflogin` on macOS, `%APPDATA%\hflogin` on Windows.
 */
export function configDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.HFLOGIN_CONFIG_DIR) return env.HFLOGIN_CONFIG_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'hflogin');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'hflogin');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'hflogin');
}

export function configFile(dir: string): string {
  return join(dir, 'config.json');
}

/**
 * A short, stable name for a config directory: the first 16 hex digits of the SHA-256 of its real
 * path. It scopes keychain items (the keychain is one per user, config directories are many), so
 * that one directory's session is never served in another. A directory that does not exist yet is
 * named by its nearest existing ancestor's real path plus the rest, as it will be once created.
 */
export function configDirScope(dir: string): string {
  let existing = resolve(dir);
  const rest: string[] = [];
  for (;;) {
    try {
      // .native: the OS's own spelling of the path (its case on macOS and Windows), so one directory has one scope.
      existing = realpathSync.native(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
  return sha256Hex(join(existing, ...rest)).slice(0, 16);
}
