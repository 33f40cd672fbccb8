import type { Writable } from 'node:stream';

import { Styled, type Style } from './terminal.js';

/**
 * Colour for a terminal: off for a non-TTY stream, with NO_COLOR set (https://no-color.org), or
 * with --no-color.
 */
export function colourEnabled(stream: Writable, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
}

/**
 * hflogin's styles as Styled spans (src/io/terminal.ts), for writeLine: the text is sanitised
 * there like any other, and only the style becomes an escape sequence.
 */
export function paint(stream: Writable, env: NodeJS.ProcessEnv, flag: boolean | undefined) {
  const on = colourEnabled(stream, env, flag);
  const wrap = (style: Style) => (text: string) => new Styled([on ? { text, style } : { text }]);
  return { green: wrap('green'), red: wrap('red'), dim: wrap('dim'), bold: wrap('bold') };
}
