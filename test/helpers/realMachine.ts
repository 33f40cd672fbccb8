import { systemProcesses, systemRandom } from '../../src/system.js';
import { createHttpClient } from '../../src/io/httpClient.js';

/** The real process table and clock, as src/cli.ts hands them to the session lock. */
export const realMachine = { processes: systemProcesses, now: Date.now };

/** What a provider needs, as src/cli.ts builds it (no proxy: tests talk to loopback emulators). */
export const realProviderDeps = { http: createHttpClient({}), now: Date.now };

/** The rest of the real machine: randomness, and no raw-mode Ctrl+C to raise. */
export const realSignInDeps = { ...realProviderDeps, random: systemRandom, interrupt: () => undefined };
