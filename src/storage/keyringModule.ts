import {
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import {
  ensurePrivateDir,
  isLinkError,
  openNoFollow,
  processOwner,
  type Owner,
} from '../config/ownership.js';
import type { RandomBytes } from '../io/machine.js';

export type KeyringModule = typeof import('@napi-rs/keyring');

/** Where the single binary keeps its extracted native addon. */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'hflogin');
  if (platform === 'win32')
    return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'hflogin', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'hflogin');
}

/** Where and how the addon is extracted and loaded: the machine's, or a test's. */
export interface AddonPlace {
  /** The cache directory (cacheDir()). */
  dir: string;
  /** Who must own the directory and the file (processOwner(); undefined on Windows). */
  uid: Owner;
  /** Names the temporary file: random, so nobody can plant a link at it in advance. */
  random: RandomBytes;
  /** process.dlopen, or a test's loader. */
  dlopen: (module: { exports: unknown }, path: string) => void;
  platform: NodeJS.Platform;
}

/** node:crypto, loaded only here (a single binary's addon: megabytes, where it is fastest). */
function sha256(bytes: Buffer): string {
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Opens the cached addon without following a link and returns its descriptor if the file behind it
 * is ours (a regular file of this user's, writable by no one else) and its bytes, read through that
 * descriptor, have the checksum. Anything else (missing, a link, a stranger's file, other bytes) is
 * undefined: replaced, never loaded.
 */
function openVerified(path: string, checksum: string, place: AddonPlace): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, openNoFollow);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || isLinkError(error)) return undefined;
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    const ours =
      stats.isFile() && (place.uid === undefined || (stats.uid === place.uid && (stats.mode & 0o022) === 0));
    if (ours && sha256(readFileSync(fd)) === checksum) return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  return undefined;
}

/**
 * Writes the addon under a fresh random name created exclusively ('wx': O_CREAT|O_EXCL, which
 * refuses any existing name, a planted link included, and never follows one), then renames it over
 * `path` (a rename replaces a link at `path`, never follows it).
 */
function writeExclusive(path: string, bytes: Buffer, place: AddonPlace): void {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const temporary = join(place.dir, `.keyring-${Buffer.from(place.random(16)).toString('hex')}.tmp`);
    let fd: number;
    try {
      fd = openSync(temporary, 'wx', 0o700);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    try {
      writeFileSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return;
  }
  throw new Error(`Could not write the keychain addon in ${place.dir}: each temporary name tried was taken.`);
}

/**
 * The name to dlopen for the file behind `fd`. Linux: /proc/self/fd/<fd>, that very file, so the
 * bytes loaded are the bytes hashed even if the directory entry is swapped meanwhile. Elsewhere
 * (macOS has no /proc): its path, in a directory only this user (or root) can change, once the path
 * is seen to still name the file behind `fd`.
 */
function loadablePath(fd: number, path: string, platform: NodeJS.Platform): string {
  const opened = fstatSync(fd);
  const same = (name: string) => {
    try {
      const there = statSync(name);
      return there.dev === opened.dev && there.ino === opened.ino;
    } catch {
      return false;
    }
  };
  if (platform === 'linux' && same(`/proc/self/fd/${fd}`)) return `/proc/self/fd/${fd}`;
  if (same(path)) return path;
  throw new Error(`The keychain addon ${path} changed while it was being loaded.`);
}

/**
 * The single binary (Node's Single Executable Applications) cannot require a native addon from
 * inside itself: it carries @napi-rs/keyring's addon as an asset, writes it once to the cache
 * directory under its checksum, and loads it with process.dlopen. The directory must be private
 * (this user's, 0700, and every directory above it beyond other users' reach: exit 2 otherwise);
 * the file is opened without following links, hashed through its descriptor and loaded through
 * that same descriptor, so what runs is what was checked. A file that does not match is replaced.
 */
export function loadAddon(bytes: Buffer, place: AddonPlace): KeyringModule {
  ensurePrivateDir(place.dir, 'addon cache directory', { uid: place.uid, tighten: true });
  const checksum = sha256(bytes);
  const path = join(place.dir, `keyring-${checksum.slice(0, 32)}.node`);
  let fd = openVerified(path, checksum, place);
  if (fd === undefined) {
    writeExclusive(path, bytes, place);
    fd = openVerified(path, checksum, place);
    if (fd === undefined)
      throw new Error(`The keychain addon written to ${path} does not match its checksum.`);
  }
  try {
    const module = { exports: {} as KeyringModule };
    place.dlopen(module, loadablePath(fd, path, place.platform));
    return module.exports;
  } finally {
    closeSync(fd);
  }
}

/**
 * @napi-rs/keyring: from node_modules, or inside the single binary from its embedded asset. `random`
 * (the process's, from src/system.ts) names the addon's temporary file in the binary.
 */
export async function loadKeyringModule(
  env: NodeJS.ProcessEnv,
  random?: RandomBytes,
): Promise<KeyringModule> {
  // getBuiltinModule, not import(): a single binary's script cannot import() anything.
  const sea = process.getBuiltinModule?.('node:sea') as typeof import('node:sea') | undefined;
  if (!sea?.isSea()) return import('@napi-rs/keyring');
  if (!random) throw new Error('The keychain addon cannot be extracted without a source of random bytes.');
  return loadAddon(Buffer.from(sea.getAsset('keyring.node')), {
    dir: cacheDir(env),
    uid: processOwner(),
    random,
    dlopen: (module, path) => process.dlopen(module, path),
    platform: process.platform,
  });
}
