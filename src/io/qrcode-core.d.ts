// qrcode's encoder alone (the package's main entry also pulls in PNG and SVG renderers).
declare module 'qrcode/lib/core/qrcode.js' {
  interface BitMatrix {
    size: number;
    get(row: number, col: number): number | boolean;
  }
  const QRCode: {
    create(
      text: string,
      options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' },
    ): { modules: BitMatrix; version: number };
  };
  export default QRCode;
}
