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
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}
