import type { Writable } from 'node:stream';

/** The streams a command may write to; passed in so tests can capture them. */
export interface TerminalStreams {
  stdout: Writable;
  stderr: Writable;
}

export function writeLine(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `NO_COLOR` (https://no-color.org) and `--no-color` both turn colour off; so does a non-TTY stream. */
export function colorEnabled(stream: Writable, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
}
