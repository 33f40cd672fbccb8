import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type KeyringModule = typeof import('@napi-rs/keyring');

/** Where the single binary keeps its extracted native addon. */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'hflogin');
  if (platform === 'win32')
    return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'hflogin', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'hflogin');
}

/**
 * The single binary (Node's Single Executable Applications) cannot require a native addon from
 * inside itself: it carries @napi-rs/keyring's addon as an asset, writes it once to the cache
 * directory under its checksum, and loads it with process.dlopen. A file found there is used only
 * if its checksum matches, so a changed file is replaced, never loaded.
 */
function loadEmbedded(getAsset: (key: string) => ArrayBuffer, env: NodeJS.ProcessEnv): KeyringModule {
  const bytes = Buffer.from(getAsset('keyring.node'));
  const checksum = createHash('sha256').update(bytes).digest('hex');
  const dir = cacheDir(env);
  const path = join(dir, `keyring-${checksum.slice(0, 32)}.node`);
  let current: Buffer | undefined;
  try {
    current = readFileSync(path);
  } catch {
    current = undefined;
  }
  if (!current || createHash('sha256').update(current).digest('hex') !== checksum) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A fresh private directory (mkdtemp picks an unpredictable name and creates it 0700), so the
    // write cannot follow a link planted at a name known in advance.
    const scratch = mkdtempSync(`${path}.tmp-`);
    try {
      const temporary = join(scratch, 'keyring.node');
      writeFileSync(temporary, bytes, { mode: 0o700, flag: 'wx' });
      renameSync(temporary, path);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const module = { exports: {} as KeyringModule };
  process.dlopen(module, path);
  return module.exports;
}

/** @napi-rs/keyring: from node_modules, or inside the single binary from its embedded asset. */
export async function loadKeyringModule(env: NodeJS.ProcessEnv): Promise<KeyringModule> {
  // getBuiltinModule, not import(): a single binary's script cannot import() anything.
  const sea = process.getBuiltinModule?.('node:sea') as typeof import('node:sea') | undefined;
  if (sea?.isSea()) return loadEmbedded((key) => sea.getAsset(key), env);
  return import('@napi-rs/keyring');
}
