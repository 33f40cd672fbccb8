import { terminalSafe } from './terminal.js';

/** Marks (accents, Thai vowels and tone marks) and zero-width joiners take no column of their own. */
const zeroWidth = /[\p{Mn}\p{Me}\u200c\u200d]/u;
/** East Asian wide and fullwidth characters, and emoji, take two columns. */
const wide =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** How many terminal columns `text` takes (after terminalSafe, so without controls). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += zeroWidth.test(char) ? 0 : wide.test(char) ? 2 : 1;
  return width;
}

/**
 * Rows as aligned columns, two spaces apart, the last column not padded (no trailing blanks). Cells
 * are made terminal-safe first, so the columns line up with what the terminal shows (a control
 * character spelled `\u001b` is six columns wide).
 */
export function alignColumns(rows: ReadonlyArray<readonly string[]>): string[] {
  const safe = rows.map((row) => row.map(terminalSafe));
  const widths: number[] = [];
  for (const row of safe)
    row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, displayWidth(cell))));
  return safe.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - displayWidth(cell)),
      )
      .join('  '),
  );
}
