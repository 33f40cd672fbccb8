import { homedir } from 'node:os';
import { join } from 'node:path';

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
