import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { withSessionLock, type LockHolder, type LockOptions } from '../../src/session/sessionLock.js';
import { realMachine } from '../helpers/realMachine.js';

const options: LockOptions = { waitMs: 5_000, ...realMachine };
/** Short enough for a fast test, long enough for many polls. */
const brief: LockOptions = { waitMs: 400, ...realMachine };
/** Not running: pid_max is at most 2^22 on Linux. */
const deadPid = 2 ** 22 + 12_345;
const linuxOnly = process.platform !== 'linux';

function lockDir() {
  const dir = mkdtempSync(join(tmpdir(), 'hflogin-lock-'));
  mkdirSync(join(dir, 'locks'));
  return dir;
}

function lockPath(dir: string, profile = 'default') {
  return join(dir, 'locks', `${profile}.lock`);
}

/** starttime, field 22 of /proc/self/stat, counted after the last ')' (the command name may hold one). */
function ownStart(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
}

function writeLock(
  path: string,
  record: { pid: number; host?: string; since?: number; start?: number | null },
  ageMs = 0,
) {
  const token = 'ab'.repeat(16);
  writeFileSync(path, JSON.stringify({ host: hostname(), since: Date.now() - ageMs, token, ...record }));
  age(path, ageMs);
  return token;
}

function age(path: string, ageMs: number) {
  const then = new Date(Date.now() - ageMs);
  utimesSync(path, then, then);
}

const ran = async () => 'ran';

/**
 * A lock directory whose holder is dead and whose first breaker generation is claimed by
 * `breakerPid` on this host: the state a breaker leaves when it is still at work, or died at it.
 */
function deadHolderBeingBroken(breakerPid: number): string {
  const dir = lockDir();
  const token = writeLock(lockPath(dir), { pid: deadPid });
  writeFileSync(
    join(dir, 'locks', `default.lock.${token}.break.1`),
    JSON.stringify({ pid: breakerPid, host: hostname(), token: 'ef'.repeat(16), since: 1 }),
  );
  return dir;
}

describe('session lock', () => {
  it('runs one holder at a time; the next waits for the release', async () => {
    const dir = lockDir();
    const events: string[] = [];
    const holder = (name: string) =>
      withSessionLock(
        dir,
        'default',
        async () => {
          events.push(`${name} in`);
          await sleep(30);
          events.push(`${name} out`);
        },
        options,
      );
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map(holder));
    expect(events).toHaveLength(10);
    for (let index = 0; index < events.length; index += 2) {
      expect(events[index + 1]).toBe(events[index]!.replace(' in', ' out'));
    }
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });

  it('creates the lock file with mode 0600 in a 0700 directory, and removes it afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hflogin-lock-'));
    const modes = await withSessionLock(
      dir,
      'default',
      async () => ({
        file: fs.statSync(lockPath(dir)).mode & 0o777,
        dir: fs.statSync(join(dir, 'locks')).mode & 0o777,
        record: JSON.parse(readFileSync(lockPath(dir), 'utf8')) as Record<string, unknown>,
      }),
      options,
    );
    expect(modes.file).toBe(0o600);
    expect(modes.dir).toBe(0o700);
    expect(modes.record).toMatchObject({ pid: process.pid, host: hostname() });
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('takes over the lock of a holder that is not running', async () => {
    const dir = lockDir();
    writeLock(lockPath(dir), { pid: deadPid });
    await expect(withSessionLock(dir, 'default', ran, options)).resolves.toBe('ran');
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });

  it('never takes the lock from a live holder on this host, however old the lock', async () => {
    const dir = lockDir();
    const path = lockPath(dir);
    const start = process.platform === 'linux' ? ownStart() : null;
    writeLock(path, { pid: process.pid, start }, 3_600_000);
    const before = readFileSync(path, 'utf8');
    const error = await withSessionLock(dir, 'default', ran, brief).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'lock_timeout', exitCode: 1 });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain(path);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('where start times are unknown (macOS, Windows): a live pid whose lock stopped heartbeating is reused', async () => {
    const dir = lockDir();
    const path = lockPath(dir);
    writeLock(path, { pid: process.pid, start: null }, 61_000);
    await expect(withSessionLock(dir, 'default', ran, brief)).resolves.toBe('ran');
    // With a fresh heartbeat the same record is a live holder, and waited for.
    writeLock(path, { pid: process.pid, start: null }, 1_000);
    const error = await withSessionLock(dir, 'default', ran, brief).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'lock_timeout', exitCode: 1 });
  });

  it.skipIf(linuxOnly)(
    'takes over a lock whose pid now belongs to another process (Linux only: start time from /proc/<pid>/stat)',
    async () => {
      const dir = lockDir();
      writeLock(lockPath(dir), { pid: process.pid, start: ownStart() + 1 });
      await expect(withSessionLock(dir, 'default', ran, brief)).resolves.toBe('ran');
    },
  );

  it('takes over a lock from another host whose heartbeat stopped, not one with a fresh heartbeat', async () => {
    const dir = lockDir();
    const path = lockPath(dir);
    writeLock(path, { pid: process.pid, host: 'elsewhere.example' }, 5_000);
    await expect(
      withSessionLock(dir, 'default', ran, { waitMs: 400, staleHeartbeatMs: 10_000, ...realMachine }),
    ).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(existsSync(path)).toBe(true);

    age(path, 20_000);
    await expect(
      withSessionLock(dir, 'default', ran, { waitMs: 400, staleHeartbeatMs: 10_000, ...realMachine }),
    ).resolves.toBe('ran');
  });

  it('keeps its own heartbeat: the lock mtime stays fresh while held', async () => {
    const dir = lockDir();
    const ages = await withSessionLock(
      dir,
      'default',
      async () => {
        age(lockPath(dir), 60_000);
        await sleep(120);
        return Date.now() - fs.statSync(lockPath(dir)).mtimeMs;
      },
      { waitMs: 1_000, heartbeatMs: 25, ...realMachine },
    );
    expect(ages).toBeLessThan(1_000);
  });

  it('takes over a lock without a record once it is older than 2 s, not before', async () => {
    const dir = lockDir();
    const path = lockPath(dir);
    writeFileSync(path, '');
    await expect(withSessionLock(dir, 'default', ran, brief)).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(existsSync(path)).toBe(true);

    age(path, 3_000);
    await expect(withSessionLock(dir, 'default', ran, brief)).resolves.toBe('ran');

    writeFileSync(path, '{"pid": 0, "token": "not a record"');
    age(path, 3_000);
    await expect(withSessionLock(dir, 'default', ran, brief)).resolves.toBe('ran');
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });

  it('release never removes a lock that is not its own', async () => {
    const dir = lockDir();
    const path = lockPath(dir);
    const other = JSON.stringify({ pid: process.pid, host: hostname(), token: 'cd'.repeat(16), since: 1 });
    await withSessionLock(
      dir,
      'default',
      async () => {
        // Someone removed our lock and created theirs; even a copy of our record would not be ours.
        const ours = readFileSync(path, 'utf8');
        rmSync(path);
        writeFileSync(path, ours);
      },
      options,
    );
    expect(existsSync(path)).toBe(true);

    rmSync(path);
    await withSessionLock(
      dir,
      'default',
      async () => {
        rmSync(path);
        writeFileSync(path, other);
      },
      options,
    );
    expect(readFileSync(path, 'utf8')).toBe(other);
  });

  it('returns the work result, and rethrows its error, releasing the lock either way', async () => {
    const dir = lockDir();
    await expect(
      withSessionLock(
        dir,
        'default',
        async () => {
          throw new Error('work failed');
        },
        options,
      ),
    ).rejects.toThrow('work failed');
    expect(existsSync(lockPath(dir))).toBe(false);
    await expect(withSessionLock(dir, 'default', async () => 42, options)).resolves.toBe(42);
  });

  it('tells onWait, once after about a second, whom it waits for', async () => {
    const dir = lockDir();
    let held: (value?: unknown) => void = () => undefined;
    const holding = new Promise((resolve) => (held = resolve));
    const since = Date.now();
    const first = withSessionLock(dir, 'default', () => holding, options);
    await sleep(20);
    const calls: { holder: LockHolder | undefined; after: number }[] = [];
    const started = Date.now();
    const second = withSessionLock(dir, 'default', ran, {
      ...options,
      onWait: (holder) => calls.push({ holder, after: Date.now() - started }),
    });
    await sleep(1_800);
    held();
    await expect(second).resolves.toBe('ran');
    await first;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.after).toBeGreaterThanOrEqual(1_000);
    expect(calls[0]!.after).toBeLessThan(1_800);
    expect(calls[0]!.holder).toEqual({ pid: process.pid, host: hostname(), since: expect.any(Number) });
    expect(calls[0]!.holder!.since).toBeGreaterThanOrEqual(since);
  });

  it('stops waiting when the signal aborts (exit 130), leaving the holder alone', async () => {
    const dir = lockDir();
    writeLock(lockPath(dir), { pid: process.pid });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(
      withSessionLock(dir, 'default', ran, { waitMs: 10_000, signal: controller.signal, ...realMachine }),
    ).rejects.toMatchObject({ code: 'interrupted', exitCode: 130 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(existsSync(lockPath(dir))).toBe(true);
  });

  it('keeps profiles apart', async () => {
    const dir = lockDir();
    let inner = '';
    await withSessionLock(
      dir,
      'a',
      async () => {
        inner = await withSessionLock(dir, 'b', async () => 'b ran while a held its lock', options);
      },
      options,
    );
    expect(inner).toBe('b ran while a held its lock');
  });

  it('breaks a dead holder through a new breaker generation when a breaker died mid-break, and cleans up', async () => {
    const dir = deadHolderBeingBroken(deadPid + 1);
    await expect(withSessionLock(dir, 'default', ran, options)).resolves.toBe('ran');
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });

  it('does not break a lock while a live breaker is breaking it', async () => {
    const dir = deadHolderBeingBroken(process.pid);
    await expect(withSessionLock(dir, 'default', ran, brief)).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(existsSync(lockPath(dir))).toBe(true);
  });

  describe('without hard links', () => {
    const saved = { link: fs.link, linkSync: fs.linkSync, promisesLink: fs.promises.link };
    const refuse = () => Object.assign(new Error('link: operation not supported'), { code: 'ENOTSUP' });

    afterEach(() => {
      fs.link = saved.link;
      fs.linkSync = saved.linkSync;
      fs.promises.link = saved.promisesLink;
      syncBuiltinESMExports();
    });

    it('works where link() fails (exFAT, some SMB and 9p mounts)', async () => {
      fs.promises.link = () => Promise.reject(refuse());
      fs.linkSync = () => {
        throw refuse();
      };
      fs.link = ((...args: unknown[]) => (args.at(-1) as (error: Error) => void)(refuse())) as typeof fs.link;
      syncBuiltinESMExports();
      await expect(fs.promises.link('a', 'b')).rejects.toMatchObject({ code: 'ENOTSUP' });

      const dir = lockDir();
      writeLock(lockPath(dir), { pid: deadPid });
      const results = await Promise.all(
        [1, 2, 3].map((n) => withSessionLock(dir, 'default', async () => n, options)),
      );
      expect(results).toEqual([1, 2, 3]);
      expect(readdirSync(join(dir, 'locks'))).toEqual([]);
    });
  });
});
