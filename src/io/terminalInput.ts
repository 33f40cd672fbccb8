import { emitKeypressEvents } from 'node:readline';
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';

import { terminalSafe } from './terminal.js';
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
 * @inquirer writes to the terminal itself, so everything it shows passes terminalSafe here: the
 * question, what is being typed or pasted (echoed as it comes), the default and the complaint.
 * The answer itself is returned exact.
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
      {
        message: terminalSafe(message),
        validate: async (value) => {
          const verdict = await validate(value);
          return verdict === true ? true : terminalSafe(verdict);
        },
        transformer: (value, { isFinal }) =>
          isFinal ? styleText('cyan', terminalSafe(value)) : terminalSafe(value),
        theme: { style: { defaultAnswer: (text: string) => styleText('dim', `(${terminalSafe(text)})`) } },
        ...(defaultValue === undefined ? {} : { default: defaultValue }),
      },
      { input: io.stdin, output: io.stderr, signal: io.signal },
    );
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw interrupted();
    throw error;
  }
}
