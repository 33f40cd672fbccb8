import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';

import type { CommandDeps } from './commands/deps.js';
import type { HostFacts } from './io/browserAvailability.js';
import { createHttpClient } from './io/httpClient.js';
import { createInterruption } from './io/interrupt.js';
import type { ProcessTable, RandomBytes } from './io/machine.js';

/*
 * The real machine: src/cli.ts hands it down as CommandDeps. With cli.ts, the only module in src/
 * that reads `process.env`, the clock, crypto randomness or the process table (eslint.config.js
 * enforces it). Loaded after the version probe, in one piece: a probe never pays for it.
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

/** This process as CommandDeps: its streams, environment, clock, signals, network and machine. */
export function processDeps(exit: (code: number) => never): CommandDeps {
  // The first Ctrl+C lets the command close its listener and say so (or, during a refresh, finish
  // saving the rotated token); a second one ends at once.
  const interrupt = createInterruption(process.stderr, exit);
  // SIGTERM (`timeout`, a CI cancelling) and SIGHUP (the terminal closed) would otherwise end the
  // process between Logto's refresh answer and its save, as surely as Ctrl+C.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, interrupt.onInterrupt);
  // With the terminal gone (SIGHUP), a write to stderr fails with EIO/EPIPE; that must not crash
  // a command that is finishing a save.
  process.stderr.on('error', () => undefined);
  const env = process.env;
  let hostFacts: HostFacts | undefined;
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    now: Date.now,
    signal: interrupt.signal,
    critical: interrupt.critical,
    // Raw mode swallowed the terminal's Ctrl+C: raise it, so the usual handling runs.
    interrupt: () => process.kill(process.pid, 'SIGINT'),
    http: createHttpClient(env),
    random: systemRandom,
    processes: systemProcesses,
    hostFacts: () => (hostFacts ??= detectHostFacts(env)),
    openBrowser: async (url) => (await import('./io/browser.js')).systemBrowserOpener(env)(url),
    openStore: async (kind, dir) =>
      (await import('./storage/openStore.js')).openStore(kind, dir, env, systemRandom),
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Looks at this machine: container markers (Docker, Podman, systemd-nspawn) and WSL. */
export function detectHostFacts(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): HostFacts {
  const linux = platform === 'linux';
  return {
    platform,
    env,
    isContainer:
      linux && (existsSync('/.dockerenv') || existsSync('/run/.containerenv') || Boolean(env.container)),
    isWsl:
      linux && (Boolean(env.WSL_DISTRO_NAME) || /microsoft/i.test(readText('/proc/sys/kernel/osrelease'))),
  };
}
