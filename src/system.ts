import { hostname } from 'node:os';

import type { ProcessTable, RandomBytes } from './io/machine.js';

/*
 * The real machine, for src/cli.ts (the composition root) to hand down through CommandDeps. With
 * cli.ts, the only module in src/ that reads crypto randomness or the process table
 * (eslint.config.js enforces it); kept apart so tests use the real ones without loading the CLI.
 */

/** Web Crypto's getRandomValues: `globalThis.crypto` loads on first use, so `token` never pays for it. */
export const systemRandom: RandomBytes = (count) => globalThis.crypto.getRandomValues(new Uint8Array(count));

export const systemProcesses: ProcessTable = {
  pid: process.pid,
  hostname: () => hostname(),
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // ESRCH: no such process. EPERM: it exists but belongs to another user.
      return (error as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  },
};
