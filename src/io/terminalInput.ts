import { emitKeypressEvents } from 'node:readline';
import type { Writable } from 'node:stream';

import { interrupted } from './wait.js';

/** Standard input as the CLI gets it: a TTY can switch to raw mode for single key presses. */
export type TerminalInput = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/** Both ends are a terminal: only then does hflogin ever ask anything. */
export function isInteractive(stdin: TerminalInput, stderr: Writable): boolean {
  return Boolean(stdin.isTTY && (stderr as Writable & { isTTY?: boolean }).isTTY && stdin.setRawMode);
}

/**
 * Resolves with the first of `keys` pressed. Raw mode swallows the terminal's own Ctrl+C, so that
 * key calls `onCtrlC` (the CLI raises its own Ctrl+C handling), and the CLI ends as it always does.
 */
export function waitForKey(
  stdin: TerminalInput,
  keys: readonly string[],
  signal: AbortSignal,
  onCtrlC: () => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    emitKeypressEvents(stdin);
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = () => {
      stdin.removeListener('keypress', onKey);
      signal.removeEventListener('abort', onAbort);
      stdin.setRawMode?.(false);
      stdin.pause();
    };
    const onKey = (_text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
      if (key?.ctrl && key.name === 'c') {
        done();
        onCtrlC();
        reject(interrupted());
        return;
      }
      const name = key?.name?.toLowerCase();
      if (name && keys.includes(name)) {
        done();
        resolve(name);
      }
    };
    const onAbort = () => {
      done();
      reject(interrupted());
    };
    if (signal.aborted) return onAbort();
    stdin.on('keypress', onKey);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Asks for one line (@inquirer/input, loaded only when asked). `validate` returns true or what
 * is wrong; Ctrl+C is exit 130; `signal` withdraws the question when another path has won.
 */
export async function askLine(
  message: string,
  validate: (value: string) => true | string | Promise<true | string>,
  io: { stdin: TerminalInput; stderr: Writable; signal: AbortSignal },
  defaultValue?: string,
): Promise<string> {
  const { default: input } = await import('@inquirer/input');
  try {
    return await input(
      { message, validate, ...(defaultValue === undefined ? {} : { default: defaultValue }) },
      { input: io.stdin, output: io.stderr, signal: io.signal },
    );
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw interrupted();
    throw error;
  }
}
