import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * BIZ UDPGothic (Morisawa, SIL OFL 1.1) from @expo-google-fonts/biz-udpgothic: full TrueType
 * files with JIS kanji, kana and Latin in one face, regular and bold, 4.5 MB each. pdfkit embeds
 * only the glyphs a report uses.
 */
export const REPORT_FONT_FAMILY = 'BIZ UDPGothic';

export interface ReportFontBytes {
  regular: Uint8Array;
  /** Falls back to the regular face when absent. */
  bold?: Uint8Array;
}

const FONT_FILES = {
  regular: '@expo-google-fonts/biz-udpgothic/400Regular/BIZUDPGothic_400Regular.ttf',
  bold: '@expo-google-fonts/biz-udpgothic/700Bold/BIZUDPGothic_700Bold.ttf',
} as const;

let cached: { regular: Buffer; bold: Buffer } | null = null;

/**
 * The report fonts: the bytes given (a bundle that cannot reach node_modules supplies them),
 * else the package's files, resolved through Node's module resolution and read once per process.
 */
export function reportFonts(supplied?: ReportFontBytes): { regular: Buffer; bold: Buffer } {
  if (supplied !== undefined) {
    const regular = Buffer.from(supplied.regular.buffer, supplied.regular.byteOffset, supplied.regular.byteLength);
    const bold = supplied.bold === undefined ? regular : Buffer.from(supplied.bold.buffer, supplied.bold.byteOffset, supplied.bold.byteLength);
    return { regular, bold };
  }
  if (cached === null) {
    const require = createRequire(import.meta.url);
    cached = {
      regular: readFileSync(require.resolve(FONT_FILES.regular)),
      bold: readFileSync(require.resolve(FONT_FILES.bold)),
    };
  }
  return cached;
}
