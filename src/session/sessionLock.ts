import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ExitCode, HfloginError } from '../io/errors.js';
import { interrupted } from '../io/wait.js';

/** What a lock file holds: who took it, and when. */
interface Holder {
  pid: number;
  host: string;
  token: string;
  since: number;
}

export interface LockOptions {
  /** A lock older than this is taken over even if its holder seems alive (it must have hung). */
  staleMs: number;
  /** How long to wait for another process before giving up. */
  waitMs: number;
  signal?: AbortSignal;
}

/** A refresh holds the lock for one request (30 s at most) and a save. */
export const defaultLockOptions: LockOptions = { staleMs: 60_000, waitMs: 90_000 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<{ text: string; holder: Holder | undefined } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    try {
      return { text, holder: JSON.parse(text) as Holder };
    } catch {
      return { text, holder: undefined };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates the lock file with its content in one step: written beside it, then hard-linked into
 * place, which fails if the lock exists. So nobody ever reads a half-written lock.
 */
async function tryCreate(path: string, me: Holder): Promise<boolean> {
  const temporary = `${path}.${me.token}.new`;
  me.since = Date.now();
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(me));
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

function isStale(holder: Holder | undefined, options: LockOptions, now: number): boolean {
  // Not a lock we wrote (lock files are complete from the start): take it over.
  if (!holder || typeof holder.pid !== 'number' || typeof holder.since !== 'number') return true;
  if (now - holder.since > options.staleMs) return true;
  return holder.host === hostname() && !alive(holder.pid);
}

/**
 * Takes over a stale lock without stealing a fresh one: the stale file is renamed aside (atomic)
 * and checked; if what was renamed is not what was judged stale, another process took the lock in
 * between, and its file is put back.
 */
async function breakStaleLock(path: string, staleText: string): Promise<void> {
  const aside = `${path}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/**
 * A per-profile lock file in the config dir (`locks/<profile>.lock`, created atomically), so that
 * only one process at a time refreshes: Logto rotates refresh tokens and revokes the whole grant
 * when a used one comes back, so two concurrent refreshes would sign the person out.
 * A lock left by a process that died is recovered at once; one older than `staleMs` too.
 */
export async function withSessionLock<T>(
  configDir: string,
  profile: string,
  work: () => Promise<T>,
  options: LockOptions = defaultLockOptions,
): Promise<T> {
  const dir = join(configDir, 'locks');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${profile}.lock`);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    since: Date.now(),
  };
  const started = Date.now();
  let delay = 10;

  for (;;) {
    if (options.signal?.aborted) throw interrupted();
    if (await tryCreate(path, me)) break;
    const current = await readHolder(path);
    if (current && isStale(current.holder, options, Date.now())) {
      await breakStaleLock(path, current.text);
      continue;
    }
    if (Date.now() - started > options.waitMs) {
      throw new HfloginError(
        `Another hflogin process (pid ${current?.holder?.pid ?? '?'}) has held the session lock for too long.`,
        {
          code: 'lock_timeout',
          exitCode: ExitCode.failed,
          hint: `If no hflogin is running, remove ${path}.`,
        },
      );
    }
    await sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 200);
  }

  try {
    return await work();
  } finally {
    // Remove the lock only if it is still ours (a stale-lock takeover may have replaced it).
    const current = await readHolder(path).catch(() => undefined);
    if (current?.holder?.token === me.token) await rm(path, { force: true });
  }
}
