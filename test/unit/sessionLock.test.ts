import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { withSessionLock } from '../../src/session/sessionLock.js';

const options = { staleMs: 60_000, waitMs: 5_000 };

function lockDir() {
  const dir = mkdtempSync(join(tmpdir(), 'hflogin-lock-'));
  mkdirSync(join(dir, 'locks'));
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
          await sleep(50);
          events.push(`${name} out`);
        },
        options,
      );
    await Promise.all([holder('a'), holder('b'), holder('c')]);
    for (let index = 0; index < events.length; index += 2) {
      expect(events[index]!.split(' ')[0]).toBe(events[index + 1]!.split(' ')[0]);
    }
    expect(events).toHaveLength(6);
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
  });

  it('takes over a lock whose holder died', async () => {
    const dir = lockDir();
    // A pid that is not running: far above any real pid on this machine.
    writeFileSync(
      join(dir, 'locks', 'default.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12_345, host: hostname(), token: 'dead', since: Date.now() }),
    );
    await expect(withSessionLock(dir, 'default', async () => 'ran', options)).resolves.toBe('ran');
  });

  it('takes over a lock older than the stale age even if its holder looks alive', async () => {
    const dir = lockDir();
    writeFileSync(
      join(dir, 'locks', 'default.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), token: 'old', since: Date.now() - 61_000 }),
    );
    await expect(withSessionLock(dir, 'default', async () => 'ran', options)).resolves.toBe('ran');
  });

  it('takes over a lock file it cannot read as one of its own', async () => {
    const dir = lockDir();
    writeFileSync(join(dir, 'locks', 'default.lock'), 'garbage');
    utimesSync(join(dir, 'locks', 'default.lock'), new Date(0), new Date(0));
    await expect(withSessionLock(dir, 'default', async () => 'ran', options)).resolves.toBe('ran');
  });

  it('waits for a live holder, and gives up with a clear error after waitMs', async () => {
    const dir = lockDir();
    writeFileSync(
      join(dir, 'locks', 'default.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), token: 'live', since: Date.now() }),
    );
    await expect(
      withSessionLock(dir, 'default', async () => 'ran', { staleMs: 60_000, waitMs: 300 }),
    ).rejects.toThrow(/has held the session lock for too long/);
    // The other holder's lock is left alone.
    expect(existsSync(join(dir, 'locks', 'default.lock'))).toBe(true);
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
});
