// Every PDF the app makes starts here: A4, and fonts that print every name a clinic may have. pdfkit's standard
// fonts (Helvetica) are WinAnsi only, so "Łukasz", "Μαρία" or "Иван" came out as "?"; DejaVu Sans (the
// dejavu-fonts-ttf package, free licence: Bitstream Vera + public domain changes) covers Latin, Greek, Cyrillic and
// more, and pdfkit embeds only the glyphs used. Scripts DejaVu lacks (CJK, most Indic) still fall back to its
// missing-glyph box; `unprintable` tells the caller so it can say so.
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";

const require = createRequire(import.meta.url);
const REGULAR = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
const BOLD = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf");
const ITALIC = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Oblique.ttf");

/** Font names registered on every document from createPdf. */
export const FONT = { regular: "Body", bold: "Body-Bold", italic: "Body-Italic" } as const;

export function createPdf(info: { Title: string; Author: string }) {
  const doc = new PDFDocument({ size: "A4", margin: 50, bufferPages: true, info: { ...info, Creator: "PoseVisit" } });
  doc.registerFont(FONT.regular, REGULAR);
  doc.registerFont(FONT.bold, BOLD);
  doc.registerFont(FONT.italic, ITALIC);
  doc.font(FONT.regular);
  const bufs: Buffer[] = [];
  doc.on("data", (b: Buffer) => bufs.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(bufs)));
    doc.on("error", reject);
  });
  return { doc, done };
}

// Blocks DejaVu Sans has no glyphs for (CJK, Hangul, most Indic scripts, Thai): checked against the font's coverage
// file (langcover.txt in the package).
const UNCOVERED = /[\u0900-\u0DFF\u0E00-\u0E7F\u1100-\u11FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF]/;
/** Whether a text has characters the embedded font cannot print. */
export const unprintable = (s: string) => UNCOVERED.test(s);
