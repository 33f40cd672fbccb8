import type { Writable } from 'node:stream';

import { writeLine } from './terminal.js';
import { interrupted } from './wait.js';

/** What a critical section tells the person when Ctrl+C arrives during it. */
export interface CriticalMessages {
  /** After the first Ctrl+C: what is being finished. */
  finishing: string;
  /** After a second Ctrl+C, just before the process ends: what may now be lost. */
  abandoned: string;
}

/**
 * Runs `work` so that the first Ctrl+C cannot cut it: the work finishes (and is saved), then the
 * command ends with exit 130. A second Ctrl+C ends the process at once.
 */
export type CriticalSection = <T>(work: () => Promise<T>, messages: CriticalMessages) => Promise<T>;

/** Ctrl+C for one run of the CLI: an abort signal, and critical sections the signal does not reach. */
export interface Interruption {
  /** Aborted by the first Ctrl+C outside a critical section (the command then ends with exit 130). */
  signal: AbortSignal;
  critical: CriticalSection;
  /** What the SIGINT handler calls. */
  onInterrupt(): void;
}

/**
 * Ctrl+C handling. Outside a critical section the first Ctrl+C aborts `signal` (the command closes
 * its listener and says so) and a second one exits at once. Inside one — Logto has rotated the
 * refresh token and the new one is not saved yet, so cutting there would lose the grant when the
 * old token comes back after Logto's 3 s reuse grace (packages/core/src/queries/oidc-model-instance.ts)
 * — the first Ctrl+C is held until the section ends, and only a second one exits, saying what may be lost.
 */
export function createInterruption(stderr: Writable, exit: (code: number) => void): Interruption {
  const controller = new AbortController();
  const open: CriticalMessages[] = [];
  let held = false;

  const onInterrupt = () => {
    const current = open.at(-1);
    if (current) {
      if (held) {
        writeLine(stderr, current.abandoned);
        exit(130);
        return;
      }
      held = true;
      writeLine(stderr, `${current.finishing} (press Ctrl+C again to stop at once)`);
      return;
    }
    if (controller.signal.aborted || held) {
      exit(130);
      return;
    }
    controller.abort();
  };

  const critical: CriticalSection = async (work, messages) => {
    if (controller.signal.aborted) throw interrupted();
    open.push(messages);
    let result: Awaited<ReturnType<typeof work>>;
    try {
      result = await work();
    } finally {
      open.splice(open.lastIndexOf(messages), 1);
      // A held Ctrl+C takes effect now: the command ends with 130 — or with the work's own error if
      // it failed (that the save failed matters more than that the person asked to stop).
      if (held && open.length === 0) controller.abort();
    }
    if (held && open.length === 0) throw interrupted();
    return result;
  };

  return { signal: controller.signal, critical, onInterrupt };
}

/** For code that runs without a terminal to interrupt it (the library, tests): work just runs. */
export const uninterruptible: CriticalSection = (work) => work();
