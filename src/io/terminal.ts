import type { Writable } from 'node:stream';

/** The streams a command may write to; passed in so tests can capture them. */
export interface TerminalStreams {
  stdout: Writable;
  stderr: Writable;
}

/**
 * What a terminal would act on rather than show: C0 controls but newline and tab (ESC starts every
 * escape sequence: OSC 52 clipboard writes, OSC 8 links, window titles, cursor moves; BEL ends
 * OSC; CR overwrites the line), DEL, C1 controls (U+009B is a one-character CSI on some terminals)
 * and the bidi embeddings, overrides and isolates that reorder what follows them. Also what only
 * deceives the eye: the bidi marks (U+200E, U+200F, U+061C), the line and paragraph separators
 * (U+2028, U+2029: a line break some terminals honour), and the invisible zero-width space and
 * byte-order mark (U+200B, U+FEFF). The zero-width joiner and non-joiner stay: emoji and many
 * scripts need them.
 */
const unsafe =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The one sanitiser of terminal text: every character a terminal would act on becomes its
 * `\uXXXX` spelling, visibly (`Alice\u001b]52;c;…` shows that something was there and what), in
 * plain ASCII, and spelled as `--json` spells it, so the two outputs can be compared. Newline and
 * tab are kept. writeLine and writeText apply it to everything they write; nothing else in hflogin
 * writes text to a terminal (src/io's spinner and prompts apply it themselves).
 */
export function terminalSafe(text: string): string {
  return text.replace(unsafe, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** hflogin's own styles, and the only escape sequences (SGR) it writes around text. */
const sgr = { bold: 1, dim: 2, red: 31, green: 32 } as const;
export type Style = keyof typeof sgr;

/** A span of a Styled line: text, and at most one of hflogin's styles. */
export interface Span {
  text: string;
  style?: Style;
}

/**
 * A line with hflogin's own styling: spans of text, each with at most one style. Only `render`
 * turns a style into its escapes, from the table above, so a span can colour its text but never
 * carry an escape sequence of its own; its text is sanitised like any other. Made by `paint`
 * (src/io/colour.ts) and joined into lines by `styled`.
 */
export class Styled {
  constructor(readonly spans: readonly Span[]) {}

  /** Without its styling: in a plain template string, colour is lost, never safety. */
  toString(): string {
    return this.spans.map((span) => span.text).join('');
  }
}

/** A line from text and Styled pieces: styled`${mark} ${name}: ${detail}`. */
export function styled(strings: TemplateStringsArray, ...values: Array<string | Styled>): Styled {
  const spans: Span[] = [];
  strings.forEach((text, index) => {
    if (text) spans.push({ text });
    const value = values[index];
    if (value instanceof Styled) spans.push(...value.spans);
    else if (value !== undefined && value !== '') spans.push({ text: value });
  });
  return new Styled(spans);
}

/** The terminal's text for `line`: sanitised, with a Styled line's SGR codes as escapes. */
export function render(line: string | Styled): string {
  if (!(line instanceof Styled)) return terminalSafe(line);
  return line.spans
    .map(({ text, style }) =>
      style && Object.hasOwn(sgr, style)
        ? `\u001b[${sgr[style]}m${terminalSafe(text)}\u001b[0m`
        : terminalSafe(text),
    )
    .join('');
}

/** Text as given, sanitised (help, a completion script): the one way to write outside a line. */
export function writeText(stream: Writable, text: string): void {
  stream.write(terminalSafe(text));
}

/** One line for a person, sanitised; a Styled line keeps hflogin's own colours. */
export function writeLine(stream: Writable, line: string | Styled): void {
  const text = render(line);
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * One JSON document on a line, for scripts: every value exact once parsed. JSON.stringify already
 * escapes C0 controls; terminalSafe's `\uXXXX` spelling is JSON's own escape, so DEL, C1 and bidi
 * characters (which can only occur inside strings) stay the same values and never reach a terminal raw.
 */
export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${terminalSafe(JSON.stringify(value))}\n`);
}

/** Whether `stream` is a terminal (what a person reads) rather than a pipe or a file. */
export function isTerminal(stream: Writable): boolean {
  return Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
}

/**
 * Bytes exactly as received (an API's answer, for `hflogin api`), for a stream that is NOT a
 * terminal: a pipe or a file gets what the server sent. On a terminal, use writeText (sanitised).
 */
export function writeRaw(stream: Writable, bytes: Uint8Array): void {
  stream.write(bytes);
}
