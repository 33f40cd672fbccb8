import type { Writable } from 'node:stream';

/** The streams a command may write to; passed in so tests can capture them. */
export interface TerminalStreams {
  stdout: Writable;
  stderr: Writable;
}

/** Text exactly as given (help, a completion script): the one way to write outside a line. */
export function writeText(stream: Writable, text: string): void {
  stream.write(text);
}

export function writeLine(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
