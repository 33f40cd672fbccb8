import { Writable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  columnWidth,
  eraseLine,
  fitColumns,
  minSpinnerColumns,
  spinnerLine,
  startSpinner,
} from '../../src/io/spinner.js';

const message = 'Waiting for you to finish in the browser… Ctrl+C to cancel';
const erase = '\r\u001b[2K';
const up = '\u001b[1A\u001b[2K';

/** A terminal stream of `columns`, recording each write; `columns` may change as a window does. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  writes: string[] = [];
  /** What the window is now; Node's stream learns it only when it re-reads it (`_refreshSize`). */
  window: number;
  constructor(public columns: number) {
    super();
    this.window = columns;
  }
  _refreshSize() {
    this.columns = this.window;
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.writes.push(chunk.toString());
    done();
  }
}

/** The visible text of a frame: its escapes (erase, move) taken off. */
// eslint-disable-next-line no-control-regex -- the escapes are what is taken off.
const visible = (write: string) => write.replace(/\r|\u001b\[\d*[AK]/g, '');

describe('the spinner fits the terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws the whole message where it fits (80 columns), each frame over the last', () => {
    const stream = new FakeTerminal(80);
    const spinner = startSpinner(stream, message, { NO_COLOR: '1' });
    vi.advanceTimersByTime(80);
    spinner.stop();
    expect(stream.writes).toEqual([`${erase}⠋ ${message}`, `${erase}⠙ ${message}`, erase]);
  });

  it('cuts the line to leave the last column free at 50 columns', () => {
    const stream = new FakeTerminal(50);
    startSpinner(stream, message, { NO_COLOR: '1' }).stop();
    expect(stream.writes[0]).toBe(`${erase}⠋ Waiting for you to finish in the browser… Ctrl…`);
    expect(columnWidth(visible(stream.writes[0]!))).toBe(49);
  });

  it('under 40 columns prints the message once, plain, and nothing more', () => {
    const stream = new FakeTerminal(30);
    const spinner = startSpinner(stream, message, { NO_COLOR: '1' });
    vi.advanceTimersByTime(2_000);
    spinner.stop();
    expect(stream.writes).toEqual([`${message}\n`]);
    expect(minSpinnerColumns).toBe(40);
  });

  it('reads the width for every frame: narrowed, the wrapped line is erased and the message printed once', () => {
    const stream = new FakeTerminal(50);
    const spinner = startSpinner(stream, message, { NO_COLOR: '1' });
    // Narrowed before Node's SIGWINCH handler ran: the frame re-reads the size itself.
    stream.window = 30;
    vi.advanceTimersByTime(80 * 5);
    spinner.stop();
    // The 49-column line takes 2 rows at 30 columns once the terminal rewraps it.
    expect(stream.writes).toEqual([
      `${erase}⠋ Waiting for you to finish in the browser… Ctrl…`,
      `${erase}${up}`,
      `${message}\n`,
    ]);
  });

  it('widened again, it spins again, on a line of its own', () => {
    const stream = new FakeTerminal(30);
    const spinner = startSpinner(stream, message, { NO_COLOR: '1' });
    stream.window = 45;
    vi.advanceTimersByTime(80);
    spinner.stop();
    expect(stream.writes).toEqual([
      `${message}\n`,
      `${erase}⠋ Waiting for you to finish in the browser…`,
      erase,
    ]);
  });

  it('never draws a line as wide as the terminal, from 40 to 200 columns', () => {
    for (let columns = 40; columns <= 200; columns += 1) {
      const line = spinnerLine('⠋', message, columns);
      expect(columnWidth(`⠋ ${line.text}`)).toBe(line.width);
      expect(line.width).toBeLessThan(columns);
    }
    const cut = (columns: number) => spinnerLine('⠋', message, columns).text;
    expect(cut(40)).toBe('Waiting for you to finish in the bro…');
    // Cut just after "browser…": one "…", not two.
    expect(cut(45)).toBe('Waiting for you to finish in the browser…');
    expect(cut(60)).toBe('Waiting for you to finish in the browser… Ctrl+C to canc…');
    expect(cut(61)).toBe(message);
  });

  it('writes nothing at all where stderr is not a terminal', () => {
    const stream = new FakeTerminal(80);
    Object.defineProperty(stream, 'isTTY', { value: false });
    startSpinner(stream, message, { NO_COLOR: '1' }).stop();
    expect(stream.writes).toEqual([]);
  });
});

describe('terminal columns', () => {
  it('counts wide characters as two columns and combining marks as none', () => {
    expect(columnWidth('abc…')).toBe(4);
    expect(columnWidth('日本語')).toBe(6);
    // ที่ = the consonant, then a vowel and a tone mark above it.
    expect(columnWidth('ที่นี่')).toBe(2);
  });

  it('cuts with "…" and never splits a wide character across the limit', () => {
    expect(fitColumns('abcdef', 6)).toBe('abcdef');
    expect(fitColumns('abcdefg', 6)).toBe('abcde…');
    expect(fitColumns('日本語です', 6)).toBe('日本…');
    expect(fitColumns('browser… Ctrl', 9)).toBe('browser…');
    expect(fitColumns('abc', 0)).toBe('');
  });

  it('erases the rows a line takes once the terminal rewraps it', () => {
    expect(eraseLine(0, 80)).toBe(erase);
    expect(eraseLine(49, 50)).toBe(erase);
    expect(eraseLine(49, 30)).toBe(`${erase}${up}`);
    expect(eraseLine(61, 30)).toBe(`${erase}${up}${up}`);
  });
});
