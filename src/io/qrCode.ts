import QRCode from 'qrcode/lib/core/qrcode.js';

/**
 * A QR code for the terminal, two modules per character cell with Unicode half blocks, dark on
 * light with a quiet zone, so phones read it from a dark or light terminal alike.
 */
export function terminalQrCode(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const quiet = 2;
  const size = modules.size;
  const dark = (row: number, col: number) =>
    row >= 0 && col >= 0 && row < size && col < size && Boolean(modules.get(row, col));
  const lines: string[] = [];
  for (let row = -quiet; row < size + quiet; row += 2) {
    let line = '';
    for (let col = -quiet; col < size + quiet; col += 1) {
      const top = dark(row, col);
      const bottom = dark(row + 1, col);
      // Light cells are drawn, dark ones left blank: terminals usually have a dark background.
      line += top ? (bottom ? ' ' : '▄') : bottom ? '▀' : '█';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
