/**
 * One contender of test/e2e/lockStress.test.ts, bundled once with esbuild and started as its own
 * process. argv: configDir, log path, counter path, role (normal | victim), id, noLink (1 | 0).
 *
 * normal: takes the lock, logs `enter <id>`, increments the counter with a deliberately non-atomic
 * read, sleep, write (any overlap loses an increment), logs `leave <id>`, releases.
 * victim: takes the lock, logs `enter <id> victim`, sleeps, logs `dying <id>` and SIGKILLs itself
 * while still holding it.
 */
import fs, { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

import { withSessionLock } from '../../src/session/sessionLock.js';
import { realMachine } from './realMachine.js';

const [configDir, logPath, counterPath, role, id, noLink] = process.argv.slice(2);
if (!configDir || !logPath || !counterPath || !id || (role !== 'normal' && role !== 'victim')) {
  console.error('usage: lockContender <configDir> <log> <counter> <normal|victim> <id> <noLink 0|1>');
  process.exit(2);
}

if (noLink === '1') {
  // As on exFAT or some SMB/9p mounts: every way to make a hard link fails.
  const refuse = () => Object.assign(new Error('link: operation not supported'), { code: 'ENOTSUP' });
  fs.promises.link = () => Promise.reject(refuse());
  fs.linkSync = () => {
    throw refuse();
  };
  fs.link = ((...args: unknown[]) => (args.at(-1) as (error: Error) => void)(refuse())) as typeof fs.link;
  syncBuiltinESMExports();
}

// appendFileSync opens with O_APPEND: each line lands whole, in the order the writes happen.
const log = (line: string) => appendFileSync(logPath, `${line}\n`);
const randomMs = (low: number, high: number) => low + Math.floor(Math.random() * (high - low));

try {
  await withSessionLock(
    configDir,
    'default',
    async () => {
      if (role === 'victim') {
        log(`enter ${id} victim`);
        await sleep(20);
        log(`dying ${id}`);
        process.kill(process.pid, 'SIGKILL');
        await sleep(10_000);
      }
      log(`enter ${id}`);
      const count = Number(readFileSync(counterPath, 'utf8'));
      await sleep(randomMs(5, 20));
      writeFileSync(counterPath, String(count + 1));
      log(`leave ${id}`);
    },
    { waitMs: 60_000, ...realMachine },
  );
} catch (error) {
  console.error(`contender ${id}: ${(error as Error).message}`);
  process.exit(3);
}
