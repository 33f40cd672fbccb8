import type { BigIntStats } from 'node:fs';
import { open, readdir, readFile, readlink, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ensurePrivateDir } from '../config/ownership.js';
import type { ProcessTable } from '../io/machine.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { interrupted } from '../io/wait.js';
import { ErrorCode } from '../io/errorCodes.js';

/*
 * One process at a time may refresh a profile's session: Logto rotates refresh tokens on every use
 * and revokes the whole grant when a rotated-out token comes back, so two concurrent refreshes
 * sign the person out. This is the lock that serializes them, across processes.
 *
 * Acquire: open(path, O_CREAT|O_EXCL) creates the lock file only if no file has that name, atomically
 * (POSIX open(2)); it needs no link() or rename(), so it works on filesystems without hard links
 * (exFAT, some SMB and 9p mounts). The holder then writes its record (pid, host, random token, start
 * time) and keeps the file open while it holds the lock.
 *
 * Judge: a lock from this machine is stale ONLY when its holder is dead: kill(pid, 0) fails with
 * ESRCH, or /proc/<pid>/stat shows a zombie or another start time (the pid was reused). Never because
 * of age: a live holder on a slow network must keep its lock, or a second refresh costs the grant. A
 * holder on another machine (shared config dir) cannot be asked, so it heartbeats: it touches its
 * lock's mtime every few seconds, and a lock whose heartbeat stopped long ago is stale. A lock without
 * a readable record belongs to a holder that died between open and write (microseconds apart), once
 * its mtime is a couple of seconds old.
 *
 * Break: see breakStale() for the argument that a breaker never removes a live lock.
 * Release: remove the lock only if the file at the path is still the one we created (dev + inode).
 *
 * Why not proper-lockfile (the maintained choice): it judges a lock only by its mtime (stale after
 * 10 s by default, 2 s at least), with no notion of the holder being alive. So it takes the lock
 * from a live holder whose heartbeat stalls (a suspended laptop, a blocked event loop: the very
 * case that costs the grant here), and it waits out a dead holder's lock for the whole stale
 * period: in the 80-process stress test, 20 holders SIGKILLed would cost 20 × 10 s of waiting,
 * where a liveness check takes each over at once (the whole run: 4–10 s).
 */

/** Who holds a lock, as onWait and the timeout error describe them. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock, ms since the epoch. */
  since: number;
}

export interface LockOptions {
  /** How long to wait for another holder before giving up (exit 1, code 'lock_timeout', naming the pid and the lock path). */
  waitMs: number;
  /** A holder on ANOTHER host (shared config dir) whose heartbeat (the lock file's mtime) stopped this long ago is stale. */
  staleHeartbeatMs?: number;
  /** While held, the holder touches its lock file (through its open FileHandle, futimes) so its mtime stays fresh. */
  heartbeatMs?: number;
  /** Aborted -> throw interrupted() while WAITING (never while holding). */
  signal?: AbortSignal;
  /** Called once, when the wait has lasted ~1 s, so the caller can say what it waits for. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** This process and whether others still run (src/cli.ts passes the real process table). */
  processes: ProcessTable;
  /** The clock, ms since the epoch. */
  now: () => number;
}

const defaultStaleHeartbeatMs = 60_000;
const defaultHeartbeatMs = 5_000;
/** A lock (or breaker) file still without a record after this long lost its writer: open and write are microseconds apart. */
const unwrittenGraceMs = 2_000;
const onWaitAfterMs = 1_000;
const firstDelayMs = 10;
const maxDelayMs = 200;

/** What a lock file (and a breaker file) holds. */
interface LockRecord {
  pid: number;
  host: string;
  /** Random, never reused: names this lock for breakers. */
  token: string;
  since: number;
  /** Linux: starttime, field 22 of /proc/<pid>/stat (clock ticks since boot); null where unknown. */
  start: number | null;
  /** Linux: boot id + pid namespace; pids mean nothing outside both. Absent in older records. */
  scope?: string | null;
}

/** The file at a path, read through one handle: its record if it has a valid one, and its identity. */
interface Snapshot {
  record: LockRecord | undefined;
  /** The record's token, or for a file without one `ino-<ino>-<mtimeNs>`. */
  identity: string;
  ino: bigint;
  mtimeMs: number;
}

interface Paths {
  dir: string;
  /** `<profile>.lock`, the prefix of its breaker files too. */
  name: string;
  lock: string;
}

interface Lease {
  handle: FileHandle;
  stopHeartbeat: () => Promise<void>;
}

interface Settings {
  waitMs: number;
  staleHeartbeatMs: number;
  heartbeatMs: number;
  signal: AbortSignal | undefined;
  onWait: ((holder: LockHolder | undefined) => void) | undefined;
  processes: ProcessTable;
  now: () => number;
}

interface Machine {
  host: string;
  scope: string | null;
  start: number | null;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

// ---------------------------------------------------------------------------------------------
// Who is alive

interface ProcStat {
  state: string;
  start: number;
}

/**
 * Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat (proc(5)). Field 2 is the command name in
 * parentheses and may itself contain spaces and ')', so the fields are counted after the LAST ')'.
 * Undefined when /proc cannot tell: not Linux, /proc not mounted or hidden (hidepid), or the process
 * exited a moment ago; the next poll's kill(pid, 0) settles the last case.
 */
async function procStat(pid: number | 'self'): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3; field 22 is fields[19].
  const start = Number(fields[19]);
  return fields[0] && Number.isSafeInteger(start) ? { state: fields[0], start } : undefined;
}

async function readMachine(processes: ProcessTable): Promise<Machine> {
  const own = await procStat('self');
  // boot_id changes on every boot and is not namespaced; /proc/self/ns/pid names our pid namespace.
  // Containers can share a hostname and a config dir while their pids mean different processes.
  const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
  const pidNamespace = await readlink('/proc/self/ns/pid').catch(() => undefined);
  return {
    host: processes.hostname(),
    scope: bootId && pidNamespace ? `${bootId.trim()}/${pidNamespace}` : null,
    start: own?.start ?? null,
  };
}

let machinePromise: Promise<Machine> | undefined;
function machine(settings: Settings): Promise<Machine> {
  // The host, boot and pid namespace do not change while the process runs. A failure is not kept:
  // in the single binary the hot path (whose process table refuses) and the full program share
  // this module, and the full program must be able to ask again.
  machinePromise ??= readMachine(settings.processes).catch((error: unknown) => {
    machinePromise = undefined;
    throw error;
  });
  return machinePromise;
}

function sameMachine(record: LockRecord, me: Machine): boolean {
  // Records without a scope (older hflogin, or a test) are judged by pid alone.
  return record.host === me.host && (record.scope === undefined || record.scope === me.scope);
}

/** Whether the process that wrote `record` on this machine still runs (and is not a zombie). */
async function running(record: LockRecord, processes: ProcessTable): Promise<boolean> {
  // kill(pid, 0): ESRCH is no such process; EPERM means it exists but belongs to another user.
  if (!processes.exists(record.pid)) return false;
  if (record.start === null) return true;
  const now = await procStat(record.pid);
  if (!now) return true;
  // A zombie ('Z') or dying ('X') process cannot touch the session any more; kill(pid, 0) still
  // succeeds on it until its parent reaps it. Another start time: the pid was reused.
  return now.state !== 'Z' && now.state !== 'X' && now.start === record.start;
}

/** Whether the file's writer is gone for good, so the file (a lock, or a breaker's claim) may be passed over. */
async function isStale(
  snapshot: Snapshot,
  settings: Settings,
  me: Machine,
  now = settings.now(),
): Promise<boolean> {
  const { record } = snapshot;
  if (!record) return now - snapshot.mtimeMs > unwrittenGraceMs;
  const heartbeatStopped = now - snapshot.mtimeMs > settings.staleHeartbeatMs;
  if (!sameMachine(record, me)) return heartbeatStopped;
  if (!(await running(record, settings.processes))) return true;
  // Where a process's start time cannot be read (macOS, Windows), a live pid may be a reused one:
  // a holder that has not touched its lock for a minute is not heartbeating, so it is gone.
  return record.start === null && heartbeatStopped;
}

// ---------------------------------------------------------------------------------------------
// Reading lock and breaker files

function parseRecord(text: string): LockRecord | undefined {
  let value: Partial<LockRecord>;
  try {
    value = JSON.parse(text) as Partial<LockRecord>;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, token, since, start = null, scope } = value;
  // pid must be positive: kill(0, sig) signals our own process group and kill(-1, sig) every process.
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  // The token names breaker files, so it must be a plain hex word.
  if (typeof host !== 'string' || typeof token !== 'string' || !/^[0-9a-f]{16,64}$/.test(token))
    return undefined;
  if (typeof since !== 'number' || (start !== null && typeof start !== 'number')) return undefined;
  if (scope !== undefined && scope !== null && typeof scope !== 'string') return undefined;
  return { pid, host, token, since, start, scope };
}

/**
 * Reads the file through one handle, content first and fstat after: if the content is empty and
 * the later fstat still shows an old mtime, nobody wrote between the two (a write updates mtime).
 */
async function inspect(path: string): Promise<Snapshot | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const record = parseRecord(await handle.readFile('utf8'));
    const stats = await handle.stat({ bigint: true });
    return {
      record,
      identity: record ? record.token : unwrittenIdentity(stats),
      ino: stats.ino,
      mtimeMs: Number(stats.mtimeMs),
    };
  } finally {
    await handle.close();
  }
}

/**
 * Names a lock file that has no record yet. Its inode number cannot be reused while the file
 * exists, and its mtime changes when its creator finally writes; an old mtime never comes back.
 */
function unwrittenIdentity(stats: BigIntStats): string {
  return `ino-${stats.ino}-${stats.mtimeNs}`;
}

function toHolder(record: LockRecord | undefined): LockHolder | undefined {
  return record && { pid: record.pid, host: record.host, since: record.since };
}

// ---------------------------------------------------------------------------------------------
// Breaking a stale lock

/*
 * Why a breaker never removes a live lock.
 *
 * Each lock file has an identity that never recurs: its random token, or, while it has no record,
 * ino-<ino>-<mtimeNs>. Breaking identity I goes through claim files `<name>.<I>.break.<k>`,
 * generation k = 1, 2, ..., each created with O_EXCL and then given its creator's record:
 *
 * 1. A new generation is created only above every existing one, and only when every existing
 *    generation's creator is dead (the same liveness test as for locks) or done (its file removed).
 *    A creator that died mid-break thus never blocks breaking for good.
 * 2. After writing its record, a creator re-lists: if a higher generation exists it backs off; if a
 *    lower one is neither dead nor done it backs off. This is Dekker's handshake: of two creators A
 *    (lower) and B (higher), A checks for B after writing its record, B checks A after creating its
 *    file; whichever checks last sees the other and backs off, so at most one proceeds. It matters
 *    when "dead" was a guess: a creator that stalled >2 s between open and write, or a host that stopped
 *    heartbeating. Backing off, or finishing, removes one's own file.
 * 3. The one that proceeds re-reads the lock, and unlinks it only if it still carries I and is still
 *    stale. Between that read and the unlink the file cannot change: it leaves the path only by an
 *    unlink, by its holder (dead: it never will; but see 5) or by a breaker of I (only us), and
 *    nothing else can be created at the path while it is there (O_EXCL).
 * 4. A late breaker re-reads after that unlink and finds another identity or none: it does nothing.
 *    So claim files for I are removable by anyone once I is gone (sweep()): a token never returns to
 *    the path, and inode X with an old mtime never does either.
 * 5. A lock without a record: its creator may only be slow. The creator closes that hole itself
 *    (settleUnwritten): after writing its record it waits out every breaker of its unwritten identity
 *    that has already written its own record (an unwritten claim re-reads the lock later, and sees
 *    the record), then checks the path still holds its file, else it lost and retries.
 *
 * Across hosts, liveness is a heartbeat: a holder or breaker frozen for longer than
 * staleHeartbeatMs is taken for dead, and can act when it wakes. No protocol over a shared
 * directory can tell a frozen machine from a dead one.
 */

interface Claim {
  generation: number;
  path: string;
}

/** The claim files for one identity, by generation. */
async function claims(paths: Paths, identity: string): Promise<Claim[]> {
  const prefix = `${paths.name}.${identity}.break.`;
  const found: Claim[] = [];
  for (const entry of await readdir(paths.dir)) {
    if (!entry.startsWith(prefix)) continue;
    const generation = Number(entry.slice(prefix.length));
    if (Number.isSafeInteger(generation) && generation > 0) {
      found.push({ generation, path: join(paths.dir, entry) });
    }
  }
  return found.sort((a, b) => a.generation - b.generation);
}

/** Dead, or done (its file is gone). */
async function claimOver(claim: Claim, settings: Settings, me: Machine): Promise<boolean> {
  const snapshot = await inspect(claim.path);
  return !snapshot || (await isStale(snapshot, settings, me));
}

async function allOver(list: Claim[], settings: Settings, me: Machine): Promise<boolean> {
  for (const claim of list) if (!(await claimOver(claim, settings, me))) return false;
  return true;
}

/** Creates the next generation's claim file with our record, or undefined when someone else is breaking. */
async function createClaim(paths: Paths, identity: string, settings: Settings): Promise<Claim | undefined> {
  const me = await machine(settings);
  const existing = await claims(paths, identity);
  if (!(await allOver(existing, settings, me))) return undefined;
  const generation = (existing.at(-1)?.generation ?? 0) + 1;
  const path = join(paths.dir, `${paths.name}.${identity}.break.${generation}`);
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(newRecord(me, settings)));
  } finally {
    await handle.close();
  }
  return { generation, path };
}

/** Step 2 of the argument: after our record is written, no higher generation, every lower one over. */
async function mayProceed(paths: Paths, identity: string, ours: Claim, settings: Settings): Promise<boolean> {
  const all = await claims(paths, identity);
  if (all.some((claim) => claim.generation > ours.generation)) return false;
  return allOver(
    all.filter((claim) => claim.generation < ours.generation),
    settings,
    await machine(settings),
  );
}

/**
 * Removes the lock that `identity` named, if it is still there and still stale. True when the caller
 * should try to take the lock at once (broken, or already gone); false while another process breaks it.
 */
async function breakStale(paths: Paths, identity: string, settings: Settings): Promise<boolean> {
  const ours = await createClaim(paths, identity, settings);
  if (!ours) return false;
  let retryNow = false;
  try {
    if (await mayProceed(paths, identity, ours, settings)) {
      const current = await inspect(paths.lock);
      if (current?.identity === identity && (await isStale(current, settings, await machine(settings)))) {
        await unlink(paths.lock).catch(ignoreMissing);
      }
      retryNow = true;
    }
  } finally {
    await unlink(ours.path).catch(ignoreMissing);
    await sweep(paths).catch(() => undefined);
  }
  return retryNow;
}

function ignoreMissing(error: unknown): void {
  if (errnoCode(error) !== 'ENOENT') throw error;
}

/**
 * Removes the claim files of identities that are gone from the path for good (step 4): listed first,
 * the lock read after, so a claim listed was made for an identity seen before the read.
 */
async function sweep(paths: Paths): Promise<void> {
  const pattern = /^(?:([0-9a-f]+)|ino-(\d+)-\d+)\.break\.\d+$/;
  const prefix = `${paths.name}.`;
  const leftovers = (await readdir(paths.dir)).filter(
    (entry) => entry.startsWith(prefix) && pattern.test(entry.slice(prefix.length)),
  );
  if (leftovers.length === 0) return;
  const current = await inspect(paths.lock);
  for (const entry of leftovers) {
    const [, token, ino] = pattern.exec(entry.slice(prefix.length)) ?? [];
    // A token is gone once another identity is at the path. A file without a record keeps its
    // inode when its creator writes, so its claims stay until that inode leaves the path.
    const gone = token !== undefined ? current?.identity !== token : current?.ino !== BigInt(ino ?? -1);
    if (gone) await unlink(join(paths.dir, entry)).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Holding

function newRecord(me: Machine, settings: Settings): LockRecord {
  return {
    pid: settings.processes.pid,
    host: me.host,
    // Tells our record from another holder's with the same pid (another pid namespace); it needs
    // to be unique, not secret (the lock file is readable), so Math.random is enough.
    token: Array.from({ length: 4 }, () =>
      Math.floor(Math.random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join(''),
    since: settings.now(),
    start: me.start,
    scope: me.scope,
  };
}

/** Touches the lock's mtime through our own handle (futimens), so it is always our file we touch. */
function startHeartbeat(handle: FileHandle, everyMs: number, clock: () => number): () => Promise<void> {
  let pending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const now = new Date(clock());
    pending = handle.utimes(now, now).catch(() => undefined);
  }, everyMs);
  // The heartbeat must not keep the process alive on its own.
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pending;
  };
}

/** Whether the path still names the file behind `handle`. */
async function stillOurs(path: string, handle: FileHandle): Promise<boolean> {
  // While our handle is open the inode cannot be freed, so its number cannot be given to another
  // file: dev + ino is an identity, where content (or a token in it) could be copied.
  const [ours, there] = await Promise.all([
    handle.stat({ bigint: true }),
    stat(path, { bigint: true }).catch((error: unknown) => {
      ignoreMissing(error);
      return undefined;
    }),
  ]);
  return there !== undefined && ours.dev === there.dev && ours.ino === there.ino;
}

/**
 * Step 5: before our record was written the lock had an unwritten identity, and a breaker may have
 * judged it stale (if we stalled). Waits until every breaker of that identity which has written its
 * own record is dead or done; any later one re-reads the lock after our write and leaves it alone.
 */
async function settleUnwritten(
  paths: Paths,
  identity: string,
  settings: Settings,
  deadline: number,
): Promise<void> {
  const me = await machine(settings);
  let delay = firstDelayMs;
  for (;;) {
    let busy: LockRecord | undefined;
    for (const claim of await claims(paths, identity)) {
      const snapshot = await inspect(claim.path);
      if (snapshot?.record && !(await isStale(snapshot, settings, me))) busy = snapshot.record;
    }
    if (!busy) return;
    // Leaving now could not undo the breaker's pending unlink; the file keeps our record (so it
    // reads as held by this pid until this process ends). Needs two stalls at once: very rare.
    if (settings.now() >= deadline) throw lockTimeout(paths.lock, busy, settings);
    await pause(delay, settings.signal);
    delay = Math.min(delay * 2, maxDelayMs);
  }
}

/** Creates the lock file (O_CREAT|O_EXCL) and writes our record; 'exists' or 'lost' when we do not hold it. */
async function claimLock(
  paths: Paths,
  settings: Settings,
  deadline: number,
): Promise<Lease | 'exists' | 'lost'> {
  // Who we are, before the file exists: a process table that refuses (the hot path's) must leave
  // no empty lock behind for others to wait out.
  const me = await machine(settings);
  let handle: FileHandle;
  try {
    handle = await open(paths.lock, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return 'exists';
    // Windows: a lock its holder has just deleted stays "delete pending" until the holder closes
    // it, and creating the name again meanwhile fails with EPERM: it is still taken, for a moment.
    if (process.platform === 'win32' && ['EPERM', 'EACCES'].includes(errnoCode(error) ?? '')) return 'exists';
    throw error;
  }
  let stopHeartbeat: (() => Promise<void>) | undefined;
  try {
    const born = await handle.stat({ bigint: true });
    await handle.writeFile(JSON.stringify(newRecord(me, settings)));
    // On a shared (NFS) config dir, other machines may see the file without its record until it
    // is written back; flushed, it never looks like a holder that died before writing.
    await handle.sync();
    stopHeartbeat = startHeartbeat(handle, settings.heartbeatMs, settings.now);
    await settleUnwritten(paths, unwrittenIdentity(born), settings, deadline);
    if (await stillOurs(paths.lock, handle)) return { handle, stopHeartbeat };
    // A breaker removed our file while it had no record yet: nothing of ours is at the path.
    await stopHeartbeat();
    await handle.close();
    return 'lost';
  } catch (error) {
    // Never unlink here: an empty file is broken by others after 2 s; one with our record, once we exit.
    await stopHeartbeat?.();
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** Removes our lock if the path still names our file. Never throws: the work's outcome matters more. */
async function release(paths: Paths, lease: Lease): Promise<void> {
  await lease.stopHeartbeat();
  try {
    if (await stillOurs(paths.lock, lease.handle)) await unlink(paths.lock);
  } catch {
    // Left in place, the lock reads as held by this pid until this process ends, then as stale.
  }
  await lease.handle.close().catch(() => undefined);
  await sweep(paths).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Waiting

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw interrupted();
    throw error;
  }
}

/** Backoff with jitter, so contenders that started together do not poll in step. */
function jittered(delay: number): number {
  return Math.round(delay / 2 + Math.random() * delay);
}

function lockTimeout(path: string, holder: LockRecord | undefined, settings: Settings): HfloginError {
  const seconds = Math.round(settings.waitMs / 1000);
  if (!holder) {
    return new HfloginError(`Timed out after ${seconds} s waiting for the session lock ${path}.`, {
      code: ErrorCode.lockTimeout,
      exitCode: ExitCode.failed,
      hint: `Its holder has not written who it is. If no hflogin is running, remove ${path}.`,
    });
  }
  const since = new Date(holder.since).toISOString();
  return new HfloginError(
    `Timed out after ${seconds} s waiting for the session lock ${path}, held by hflogin pid ${holder.pid} on ${holder.host} since ${since}.`,
    {
      code: ErrorCode.lockTimeout,
      exitCode: ExitCode.failed,
      hint:
        holder.host === settings.processes.hostname()
          ? `Process ${holder.pid} is still running: wait for it, or stop it.`
          : `If no hflogin is running on ${holder.host}, remove ${path}.`,
    },
  );
}

function settingsOf(options: LockOptions): Settings {
  return {
    waitMs: options.waitMs,
    staleHeartbeatMs: options.staleHeartbeatMs ?? defaultStaleHeartbeatMs,
    heartbeatMs: options.heartbeatMs ?? defaultHeartbeatMs,
    signal: options.signal,
    onWait: options.onWait,
    processes: options.processes,
    now: options.now,
  };
}

async function acquire(paths: Paths, settings: Settings): Promise<Lease> {
  const started = settings.now();
  const deadline = started + settings.waitMs;
  let delay = firstDelayMs;
  let told = false;
  for (;;) {
    if (settings.signal?.aborted) throw interrupted();
    const claimed = await claimLock(paths, settings, deadline);
    if (typeof claimed === 'object') return claimed;
    let holder: LockRecord | undefined;
    if (claimed === 'exists') {
      const snapshot = await inspect(paths.lock);
      if (!snapshot) continue;
      holder = snapshot.record;
      const stale = await isStale(snapshot, settings, await machine(settings));
      if (stale && (await breakStale(paths, snapshot.identity, settings))) continue;
    }
    const now = settings.now();
    if (now >= deadline) throw lockTimeout(paths.lock, holder, settings);
    if (!told && now - started >= onWaitAfterMs) {
      told = true;
      settings.onWait?.(toHolder(holder));
    }
    await pause(Math.min(jittered(delay), deadline - now), settings.signal);
    delay = Math.min(delay * 2, maxDelayMs);
  }
}

/**
 * Runs `work` holding the profile's lock file, `<configDir>/locks/<profile>.lock`. Not reentrant:
 * taking the same profile's lock again inside `work` waits for itself until `waitMs`. The lock
 * directory (0700) and every one above it must be beyond other users' reach (exit 2 otherwise,
 * src/config/ownership.ts): another user able to swap it could hold or break our locks at will.
 */
export async function withSessionLock<T>(
  configDir: string,
  profile: string,
  work: () => Promise<T>,
  options: LockOptions,
): Promise<T> {
  const dir = join(configDir, 'locks');
  ensurePrivateDir(configDir, 'config directory');
  ensurePrivateDir(dir, 'lock directory');
  const name = `${profile}.lock`;
  const paths: Paths = { dir, name, lock: join(dir, name) };
  const lease = await acquire(paths, settingsOf(options));
  try {
    return await work();
  } finally {
    await release(paths, lease);
  }
}
