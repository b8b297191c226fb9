// Text of a PDF the app made, as a reader would copy it (poppler's pdftotext -layout); PV_KEEP_PDF keeps the file.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function pdfText(bytes: Buffer, name = "document.pdf"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pv-pdf-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  if (process.env.PV_KEEP_PDF) fs.copyFileSync(file, process.env.PV_KEEP_PDF);
  renderFirstPage(file);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

/**
 * Renders page 1 as a PNG, as a viewer would (poppler's pdftoppm), and checks it is a real page image, not an empty
 * one: a PDF that text extraction reads but a viewer cannot draw fails here. Returns the PNG's path.
 */
export function renderFirstPage(file: string): string {
  const out = `${file.replace(/\.pdf$/, "")}-p1`;
  execFileSync("pdftoppm", ["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", file, out]);
  const png = `${out}.png`;
  const size = fs.statSync(png).size;
  if (size < 2_000) throw new Error(`page 1 of ${path.basename(file)} renders to a ${size}-byte image: nothing drawn`);
  return png;
}
