import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { paint } from '../../src/io/colour.js';
import { debugLog } from '../../src/io/debug.js';
import { startSpinner } from '../../src/io/spinner.js';
import {
  render,
  Styled,
  styled,
  terminalSafe,
  writeJson,
  writeLine,
  writeText,
} from '../../src/io/terminal.js';
import { failurePage, successPage } from '../../src/loopback/pages.js';
import { expectRefused } from '../helpers/hostile.js';

/** What a terminal would act on. */
const unsafe =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

function capture(isTTY = false): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

/** `text` without hflogin's own control sequences `own`: what is left must be clean. */
const without = (text: string, own: string[]) =>
  own.reduce((rest, escape) => rest.replaceAll(escape, ''), text);

describe('terminalSafe: the one sanitiser of terminal text', () => {
  it.each([
    ['ESC (every escape sequence)', '\u001b]52;c;aGk=\u0007', '\\u001b]52;c;aGk=\\u0007'],
    ['NUL', 'a\u0000b', 'a\\u0000b'],
    ['backspace', 'safe\u0008\u0008\u0008evil', 'safe\\u0008\\u0008\\u0008evil'],
    ['carriage return (overwrites the line)', 'ok\rEVIL', 'ok\\u000dEVIL'],
    ['vertical tab and form feed', 'a\u000bb\u000cc', 'a\\u000bb\\u000cc'],
    ['DEL', 'a\u007fb', 'a\\u007fb'],
    ['C1 CSI (U+009B)', '\u009b2J', '\\u009b2J'],
    ['C1 OSC (U+009D) and ST (U+009C)', '\u009d0;title\u009c', '\\u009d0;title\\u009c'],
    ['C1 range ends (U+0080, U+009F)', '\u0080\u009f', '\\u0080\\u009f'],
    [
      'bidi embeddings and overrides (U+202A–U+202E)',
      '\u202a\u202b\u202c\u202d\u202e',
      '\\u202a\\u202b\\u202c\\u202d\\u202e',
    ],
    ['bidi isolates (U+2066–U+2069)', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks (U+200E, U+200F, U+061C)', 'admin\u200e\u200f\u061c', 'admin\\u200e\\u200f\\u061c'],
    ['line and paragraph separators (U+2028, U+2029)', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['zero-width space and byte-order mark (U+200B, U+FEFF)', 'ali\u200bce\ufeff', 'ali\\u200bce\\ufeff'],
  ])('spells out %s', (name, raw, shown) => {
    const out = terminalSafe(raw);
    expect(out).toBe(shown);
    expectRefused(`terminalSafe: ${name}`, !unsafe.test(out));
  });

  it('keeps newline, tab and every printable character (Thai, emoji, the spinner, QR blocks, U+00A0)', () => {
    const text = 'line 1\n\tสมชาย ใจดี 🤗 👩\u200d👩\u200d👧 ✓ ✗ ⠋ ▀▄█ é\u00a0— “quoted” \\u001b';
    expect(terminalSafe(text)).toBe(text);
  });

  it('writeLine and writeText sanitise everything they write', () => {
    const out = capture();
    writeLine(out.stream, 'name: \u001b]0;x\u0007');
    writeText(out.stream, 'help \u009b2J\n');
    expect(out.text()).toBe('name: \\u001b]0;x\\u0007\nhelp \\u009b2J\n');
    expectRefused('writeLine/writeText with escapes', !unsafe.test(out.text()));
  });

  it('writeJson keeps every value exact once parsed, and writes no control character raw', () => {
    const value = {
      name: 'M\u001b]52;c;aGk=\u0007\u009b2J\u202egnp.exe\u2066\u2069\u007f\r\n\t',
      backslash: '\\u009b is text here',
      thai: 'สมชาย',
    };
    const out = capture();
    writeJson(out.stream, value);
    expect(JSON.parse(out.text())).toEqual(value);
    expect(out.text().endsWith('\n')).toBe(true);
    expectRefused('writeJson with DEL, C1 and bidi in a string', !unsafe.test(out.text().slice(0, -1)));
  });

  it("hflogin's own colours survive, and the text inside them is sanitised", () => {
    const colour = paint(Object.assign(new PassThrough(), { isTTY: true }), {}, undefined);
    const line = styled`${colour.green('✓')} name  ${'M\u001b[2J'}  ${colour.dim('fix: \u009b31m')}`;
    const out = render(line);
    expect(out).toBe('\u001b[32m✓\u001b[0m name  M\\u001b[2J  \u001b[2mfix: \\u009b31m\u001b[0m');
    expectRefused(
      'escapes inside a coloured span',
      !unsafe.test(without(out, ['\u001b[32m', '\u001b[0m', '\u001b[2m'])),
    );
    // In a plain template string a Styled line loses its colour, not its safety.
    expect(`${line}`).toBe('✓ name  M\u001b[2J  fix: \u009b31m');
    expect(render(`${line}`)).toBe('✓ name  M\\u001b[2J  fix: \\u009b31m');
  });

  it('a Styled span can only carry one of the known styles', () => {
    const forged = new Styled([{ text: 'hidden', style: 'conceal' as never }]);
    expectRefused('a Styled span with an unknown style', render(forged) === 'hidden');
  });

  it('the spinner writes its own escapes and the sanitised text', () => {
    const out = capture(true);
    const spinner = startSpinner(out.stream, 'Signing in as \u001b]0;x\u0007\u202e…', { NO_COLOR: '1' });
    spinner.stop();
    expect(out.text()).toContain('Signing in as \\u001b]0;x\\u0007\\u202e…');
    expectRefused('escapes in the spinner text', !unsafe.test(without(out.text(), ['\r\u001b[2K'])));
  });

  it('--debug lines are sanitised', () => {
    const out = capture();
    debugLog(out.stream, true)('provider said \u001b]8;;https://evil.example\u0007here\u001b]8;;\u0007');
    expect(out.text()).toBe(
      'debug: provider said \\u001b]8;;https://evil.example\\u0007here\\u001b]8;;\\u0007\n',
    );
    expectRefused('escapes in a --debug line', !unsafe.test(out.text().slice(0, -1)));
  });

  it('the loopback pages spell out control and bidi characters too (HTML-escaped as before)', () => {
    const page =
      successPage('th', '\u202eM<b>\u001b]0;x\u0007') + failurePage('th', 'denied \u009b2J', 'hint \u2066');
    expect(page).toContain('\\u202eM&lt;b&gt;\\u001b]0;x\\u0007');
    expectRefused('control and bidi characters in the loopback pages', !unsafe.test(page));
  });
});
