import type { Writable } from 'node:stream';

import { paint } from './colour.js';
import { render, styled, terminalSafe, writeLine } from './terminal.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Narrower than this, a spinner's line would be mostly cut: the message is printed once, plain. */
export const minSpinnerColumns = 40;

/** What a terminal's width is taken to be when its stream does not say. */
const assumedColumns = 80;

export interface Spinner {
  stop(): void;
}

/**
 * A terminal stream: its width changes with the window. Node's tty.WriteStream re-reads it on
 * SIGWINCH with `_refreshSize` (an ioctl), public since Node 0.x though undocumented.
 */
type TerminalStream = Writable & { isTTY?: boolean; columns?: number; _refreshSize?: () => void };

/**
 * A one-line status with a spinner on a terminal (stderr); nothing at all elsewhere, so logs and
 * scripts see only the plain messages. Colour follows NO_COLOR and --no-color.
 *
 * The line never wraps, or `\r` could not redraw it and every frame would add a line: it is cut to
 * the terminal's width, read for every frame (a window can be resized while it spins). Under
 * `minSpinnerColumns` there is no spinner: the message is printed once, on a line of its own.
 */
export function startSpinner(
  stream: Writable,
  text: string,
  env: NodeJS.ProcessEnv,
  colourFlag?: boolean,
): Spinner {
  const terminal = stream as TerminalStream;
  if (!terminal.isTTY) return { stop: () => {} };
  const colour = paint(stream, env, colourFlag);
  const message = terminalSafe(text);
  let frame = 0;
  /** Columns taken by the line on screen (0: none), to erase it even after the window narrowed. */
  let shown = 0;
  let printedPlain = false;
  const draw = () => {
    const columns = columnsOf(terminal);
    if (columns < minSpinnerColumns) {
      if (shown > 0) stream.write(eraseLine(shown, columns));
      shown = 0;
      if (!printedPlain) writeLine(stream, message);
      printedPlain = true;
      return;
    }
    const line = spinnerLine(frames[frame++ % frames.length]!, message, columns);
    // Its own escapes (erase, then the line) around a rendered, sanitised line.
    stream.write(`${eraseLine(shown, columns)}${render(styled`${colour.bold(line.frame)} ${line.text}`)}`);
    shown = line.width;
  };
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (shown > 0) stream.write(eraseLine(shown, columnsOf(terminal)));
    },
  };
}

/**
 * The terminal's width now. A terminal that reflows rewraps the line as soon as the window
 * narrows, and Node's SIGWINCH handler may run only after a frame drawn at the old width (which
 * would then wrap, and leave a row behind): the size is read afresh for every frame.
 */
function columnsOf(stream: TerminalStream): number {
  stream._refreshSize?.();
  return typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : assumedColumns;
}

/**
 * A spinner's line for a terminal `columns` wide: the frame, a space and the message, cut with "…"
 * to leave the last column free (a character there makes some terminals wrap on the next one).
 */
export function spinnerLine(
  frameChar: string,
  message: string,
  columns: number,
): { frame: string; text: string; width: number } {
  const room = columns - 1 - (columnWidth(frameChar) + 1);
  const text = fitColumns(message, room);
  return { frame: frameChar, text, width: columnWidth(frameChar) + 1 + columnWidth(text) };
}

/**
 * Erases a line `width` columns wide, and leaves the cursor where it started. Drawn on one row, it
 * takes more once the window narrows below its width: terminals that reflow (tmux, VTE, iTerm2,
 * kitty, Windows Terminal) wrap it, so the rows above are erased too, one by one. Line by line
 * (EL), not "to the end of the screen" (ED): tmux moves a screen cleared from its top into the
 * scrollback, a line a frame, when the spinner's line is the first on the screen.
 */
export function eraseLine(width: number, columns: number): string {
  const rowsAbove = Math.max(0, Math.ceil(width / columns) - 1);
  return `\r\u001b[2K${'\u001b[1A\u001b[2K'.repeat(rowsAbove)}`;
}

/** `text` in at most `columns` terminal columns: cut with "…" when longer. */
export function fitColumns(text: string, columns: number): string {
  if (columnWidth(text) <= columns) return text;
  let fitted = '';
  let width = 0;
  for (const char of text) {
    const next = charWidth(char);
    if (width + next > columns - 1) break;
    fitted += char;
    width += next;
  }
  // "browser… Ctrl+C" cut after "browser…" is "browser…", not "browser……".
  return columns > 0 ? `${fitted.replace(/[\s…]+$/u, '')}…` : '';
}

/** How many columns `text` takes on a terminal. */
export function columnWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** Combining marks (Thai vowels and tones among them) take none; East Asian wide characters two. */
const combining = /^[\p{Mn}\p{Me}\u200d]$/u;
const wide =
  /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]$/u;

function charWidth(char: string): number {
  if (combining.test(char)) return 0;
  return wide.test(char) ? 2 : 1;
}
