import type { Writable } from 'node:stream';

/**
 * Colour for a terminal: off for a non-TTY stream, with NO_COLOR set (https://no-color.org), or
 * with --no-color.
 */
export function colourEnabled(stream: Writable, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
}

export function paint(stream: Writable, env: NodeJS.ProcessEnv, flag: boolean | undefined) {
  const on = colourEnabled(stream, env, flag);
  const wrap = (code: number) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { green: wrap(32), red: wrap(31), dim: wrap(2), bold: wrap(1) };
}
