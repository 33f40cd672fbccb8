import { chmodSync, constants, lstatSync, mkdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, join, parse, resolve } from 'node:path';

import { ExitCode, HfloginError } from '../io/errors.js';
import { ErrorCode } from '../io/errorCodes.js';

/*
 * Who may change what hflogin reads: ssh's StrictModes for its own directories. A config, session,
 * lock or addon cache directory must belong to this user and be writable by no one else; each
 * directory above it (up to /) must belong to this user or root and be writable by no one else,
 * unless it is sticky (/tmp: others can add their own entries there, never rename or remove ours).
 * Then no other user can swap a directory, plant a link or replace a file between hflogin's check
 * and its use; files themselves are opened without following links (O_NOFOLLOW) and checked with
 * fstat, so what is checked is what is read.
 *
 * On Windows these POSIX checks are skipped: modes and uids mean nothing there (a profile's ACLs
 * guard %APPDATA% and %LOCALAPPDATA%), and the owner is undefined.
 */

/** The uid that must own hflogin's files: this process's; undefined on Windows (no POSIX checks). */
export type Owner = number | undefined;

/**
 * This process's uid. Not a fact a test needs to fake (tests simulate another user with chown), and
 * read where it is needed so every reader of the config directory checks it without a new argument
 * threaded through each command; functions take it as a parameter that defaults to this.
 */
export function processOwner(): Owner {
  return process.platform === 'win32' ? undefined : process.getuid?.();
}

/** O_NOFOLLOW and O_NONBLOCK (a FIFO planted at the name must not hang the open); 0 where absent. */
export const openNoFollow = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** What a directory is for, in messages: "config directory", "session directory"… */
export type Role = string;

const maxLinks = 40;

function mode(stats: Stats): string {
  return (stats.mode & 0o7777).toString(8).padStart(4, '0');
}

function errno(code: string, message: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, '${path}'`), { code, path });
}

function refused(message: string, hint: string): HfloginError {
  return new HfloginError(message, {
    code: ErrorCode.unsafePermissions,
    exitCode: ExitCode.usage,
    hint,
  });
}

const ownDirectory = 'use a directory of your own (HFLOGIN_CONFIG_DIR, XDG_CONFIG_HOME, XDG_CACHE_HOME)';

function ownHint(path: string, uid: number): string {
  return `Have it handed to you (sudo chown ${uid} ${path}), or ${ownDirectory}.`;
}

/** The target directory: this user's, writable by no one else. */
function checkTarget(path: string, stats: Stats, role: Role, uid: number): void {
  if (stats.uid !== uid) {
    throw refused(
      `The ${role} ${path} belongs to ${stats.uid === 0 ? 'root' : `uid ${stats.uid}`}, not to you (uid ${uid}): hflogin keeps nothing in a directory another user controls.`,
      ownHint(path, uid),
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    throw refused(
      `The ${role} ${path} is writable by ${(stats.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${mode(stats)}): another user could replace what hflogin keeps there.`,
      `Make it yours alone: chmod go-w ${path}`,
    );
  }
}

/** A directory on the way to it: this user's or root's, and writable by no one else unless sticky. */
function checkAncestor(dir: string, stats: Stats, role: Role, target: string, uid: number): void {
  if (stats.uid !== uid && stats.uid !== 0) {
    throw refused(
      `The directory ${dir}, on the way to the ${role} ${target}, belongs to uid ${stats.uid}: that user could swap what lies beneath it.`,
      `Make it root's or yours and writable by no one else, or ${ownDirectory}.`,
    );
  }
  if ((stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0) {
    throw refused(
      `The directory ${dir}, on the way to the ${role} ${target}, is writable by ${(stats.mode & 0o002) !== 0 ? 'everyone' : 'its group'} and not sticky (mode ${mode(stats)}): another user could swap what lies beneath it.`,
      `chmod go-w ${dir}, or ${ownDirectory}.`,
    );
  }
}

function components(path: string): string[] {
  return path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}

/**
 * Walks `path` from the root as the kernel resolves it, following each symbolic link by hand, and
 * checks every directory met (and every link: this user's or root's). False when a component does
 * not exist (what exists has been checked); ENOTDIR when one is not a directory.
 */
function walk(path: string, role: Role, uid: number): boolean {
  const absolute = resolve(path);
  let current = parse(absolute).root;
  checkAncestor(current, lstatSync(current), role, absolute, uid);
  let pending = components(absolute.slice(current.length));
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      current = resolve(current, '..');
      if (pending.length === 0) checkTarget(current, lstatSync(current), role, uid);
      continue;
    }
    const next = join(current, name);
    const stats = statsOrMissing(lstatSync, next);
    if (!stats) return false;
    if (stats.isSymbolicLink()) {
      if (stats.uid !== uid && stats.uid !== 0) {
        throw refused(
          `The link ${next}, on the way to the ${role} ${absolute}, belongs to uid ${stats.uid}: that user could point it elsewhere.`,
          `Remove the link, or ${ownDirectory}.`,
        );
      }
      if (++links > maxLinks) throw errno('ELOOP', 'too many symbolic links encountered', absolute);
      const target = readlinkSync(next);
      if (isAbsolute(target)) current = parse(target).root;
      pending = [...components(isAbsolute(target) ? target.slice(current.length) : target), ...pending];
      continue;
    }
    if (!stats.isDirectory()) throw errno('ENOTDIR', 'not a directory', next);
    if (pending.length === 0) checkTarget(next, stats, role, uid);
    else checkAncestor(next, stats, role, absolute, uid);
    current = next;
  }
  return true;
}

/** `stat(path)`, or undefined when nothing is there (ENOENT); any other failure is thrown. */
function statsOrMissing(stat: (path: string) => Stats, path: string): Stats | undefined {
  try {
    return stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether a directory hflogin reads from exists, refusing it (exit 2, naming the path and the fix)
 * when another user could change it or anything above it. Read-only: nothing is created.
 */
export function checkPrivateDir(path: string, role: Role, uid: Owner = processOwner()): boolean {
  if (uid !== undefined) return walk(path, role, uid);
  const stats = statsOrMissing(statSync, path);
  if (!stats) return false;
  if (!stats.isDirectory()) throw errno('ENOTDIR', 'not a directory', path);
  return true;
}

export interface EnsureOptions {
  uid?: Owner;
  /** Also take away what group and others may read (0700): for sessions and the addon cache. */
  tighten?: boolean;
}

/**
 * Makes a directory hflogin writes to (0700, with any missing parents) after checking what exists of
 * its path, then checks the whole path again; exit 2 when another user could change it.
 */
export function ensurePrivateDir(path: string, role: Role, options: EnsureOptions = {}): void {
  const uid = 'uid' in options ? options.uid : processOwner();
  if (uid === undefined) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return;
  }
  if (!walk(path, role, uid)) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    if (!walk(path, role, uid)) throw errno('ENOENT', 'no such file or directory', path);
  }
  if (options.tighten && (lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o700);
}

/**
 * Checks a file hflogin opened (with `openNoFollow`) through its handle's fstat: a regular file of
 * this user's, with none of `forbidden`'s mode bits (0o022: writable by others; 0o077: any access
 * by others). A directory is let through: reading it fails with EISDIR, as it always did.
 */
export function checkOpenedFile(
  path: string,
  stats: Stats,
  role: Role,
  forbidden: number,
  uid: Owner = processOwner(),
): void {
  if (uid === undefined || stats.isDirectory()) return;
  if (!stats.isFile()) {
    throw refused(
      `The ${role} ${path} is not a regular file: hflogin does not read it.`,
      `Remove it (rm ${path}); hflogin writes a new one.`,
    );
  }
  if (stats.uid !== uid) {
    throw refused(
      `The ${role} ${path} belongs to ${stats.uid === 0 ? 'root' : `uid ${stats.uid}`}, not to you (uid ${uid}): hflogin does not read it.`,
      `Remove it (rm ${path}), or have it handed to you: sudo chown ${uid} ${path}`,
    );
  }
  if ((stats.mode & forbidden) !== 0) {
    throw refused(
      `The ${role} ${path} is ${(stats.mode & 0o022) !== 0 ? 'writable' : 'readable'} by others (mode ${mode(stats)}).`,
      `Make it yours alone: chmod ${forbidden === 0o077 ? '600' : 'go-w'} ${path}`,
    );
  }
}

/** The refusal for a link found where hflogin keeps a file (open with O_NOFOLLOW failed: ELOOP). */
export function linkRefused(path: string, role: Role): HfloginError {
  return refused(
    `The ${role} ${path} is a symbolic link: hflogin does not follow links to its own files.`,
    `Remove the link (rm ${path}); hflogin writes a new file there.`,
  );
}

/** Whether an error is O_NOFOLLOW's answer to a link (ELOOP; EMLINK on FreeBSD). */
export function isLinkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ELOOP' || code === 'EMLINK';
}

/**
 * A file of hflogin's own, read without following a link and checked through the opened handle
 * (so nothing can be swapped between the check and the read): null when it or its directory does
 * not exist; a refusal (exit 2) for a link, or for a file or directory another user could change.
 */
export async function readPrivateFile(
  file: { path: string; role: Role; forbidden: number },
  dir: { path: string; role: Role },
  uid: Owner = processOwner(),
): Promise<string | null> {
  if (!checkPrivateDir(dir.path, dir.role, uid)) return null;
  let handle;
  try {
    handle = await open(file.path, openNoFollow);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (isLinkError(error)) throw linkRefused(file.path, file.role);
    throw error;
  }
  try {
    checkOpenedFile(file.path, await handle.stat(), file.role, file.forbidden, uid);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
