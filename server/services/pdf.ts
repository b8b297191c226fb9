// Server-side PDF of the visit report (pdfkit; charts drawn as vector paths, not screenshots).
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { compare, seriesOf, type TrialSummary } from "../../app/_shared/assessments/summary";
import { isTrialSummary } from "../../app/_shared/records/objective";
import type { PoseSample } from "../../app/_shared/pose/sample";
import { decodeChunk } from "../../app/_shared/recording/codec";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { notFound } from "./errors";
import { createPdf, FONT } from "./pdf-fonts";
import { formatCalendarDate, formatDateTime, safeTimeZone, zoneName } from "../../app/_shared/format";
import { loadRecordRows, previousResults } from "./records";

const f1 = (x: number) => x.toFixed(1);
/** ISO day, for file names only; printed dates use the clinic's zone (app/_shared/format.ts, as every page does). */
const day = (d: Date) => d.toISOString().slice(0, 10);
const inZone = (tz: string) => (d: Date) => `${formatDateTime(d, tz)} ${zoneName(tz, d)}`;
/** Text as it is printed: the embedded font (pdf-fonts.ts) prints Latin, Greek and Cyrillic; control characters go. */
const safe = (s: string) => s.replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, "");

type ChartTrial = { title: string; summary: TrialSummary; samples: PoseSample[] };

function chart(doc: PDFKit.PDFDocument, t: ChartTrial, x: number, y: number, w: number, h: number) {
  const s = seriesOf(t.samples, t.summary.primary);
  const pts = s.t.map((tt, i) => ({ t: tt, v: s.v[i] })).filter((p): p is { t: number; v: number } => p.v !== null && p.v !== undefined);
  doc.save();
  doc.rect(x, y, w, h).lineWidth(0.5).strokeColor("#999999").stroke();
  if (!pts.length) {
    doc.fontSize(8).fillColor("#666666").text("no samples", x + 4, y + h / 2 - 4);
    doc.restore();
    return;
  }
  const t0 = pts[0]!.t, t1 = Math.max(pts[pts.length - 1]!.t, t0 + 1);
  const vals = pts.map((p) => p.v);
  const n = t.summary.normal;
  const dir = t.summary.direction;
  let lo = Math.min(...vals, 0), hi = Math.max(...vals, 10);
  if (n) { lo = Math.min(lo, dir * n.max); hi = Math.max(hi, dir * n.max); }
  const pad = (hi - lo) * 0.08 || 1; lo -= pad; hi += pad;
  const X = (tt: number) => x + ((tt - t0) / (t1 - t0)) * w;
  const Y = (v: number) => y + h - ((v - lo) / (hi - lo)) * h;
  if (n) {
    const a = Y(dir * n.min), b = Y(dir * n.max);
    doc.rect(x, Math.min(a, b), w, Math.abs(a - b)).fillColor("#2e7d32").fillOpacity(0.12).fill();
    doc.fillOpacity(1);
  }
  doc.moveTo(x, Y(0)).lineTo(x + w, Y(0)).lineWidth(0.3).strokeColor("#bbbbbb").stroke();
  doc.moveTo(X(pts[0]!.t), Y(pts[0]!.v));
  for (const p of pts.slice(1)) doc.lineTo(X(p.t), Y(p.v));
  doc.lineWidth(1).strokeColor("#1565c0").stroke();
  for (const r of t.summary.reps) {
    const px = X(r.peakMs), py = Y(dir * r.peakDeg);
    doc.circle(px, py, 2.2).fillColor("#c62828").fill();
    doc.fontSize(6.5).fillColor("#c62828").text(`${f1(r.peakDeg)}°`, px - 12, py - 10, { width: 24, align: "center", lineBreak: false });
  }
  doc.fontSize(6.5).fillColor("#666666");
  doc.text(`${Math.round(hi)}°`, x - 22, y - 3, { width: 20, align: "right", lineBreak: false });
  doc.text(`${Math.round(lo)}°`, x - 22, y + h - 5, { width: 20, align: "right", lineBreak: false });
  doc.text(`${f1((t1 - t0) / 1000)} s`, x + w - 30, y + h + 2, { width: 30, align: "right", lineBreak: false });
  doc.restore();
}

/** The visit report as PDF bytes, from what the database holds. */
export async function visitReportPdf(c: Caller, visitId: string): Promise<{ filename: string; pdf: Buffer }> {
  const r = await renderVisitPdf(c.db, c.user.clinicId, visitId);
  if (!r) throw notFound("Visit");
  await audit(c.db, actorOf(c), "visit.export.pdf", { record: { type: "Visit", id: visitId }, ip: c.ip, detail: { bytes: r.pdf.length } });
  return r;
}

/** The PDFs of a patient's notes (keyed by note id), for DocumentReference attachments. */
export async function notePdfs(db: Db, clinicId: string, notes: readonly { id: string; visitId: string }[]) {
  const out = new Map<string, { data: Uint8Array; title: string }>();
  for (const n of notes) {
    const r = await renderVisitPdf(db, clinicId, n.visitId);
    if (r) out.set(n.id, { data: r.pdf, title: r.filename });
  }
  return out;
}

/** Renders the report of one of the clinic's visits; null when the visit is not the clinic's. No audit (callers audit). */
export async function renderVisitPdf(db: Db, clinicId: string, visitId: string): Promise<{ filename: string; pdf: Buffer } | null> {
  const c = { db, user: { clinicId } };
  const visit = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: { id: true, patientId: true, scheduledAt: true } });
  if (!visit) return null;
  const rows = (await loadRecordRows(c.db, c.user.clinicId, visit.patientId))!;
  const v = rows.visits.find((x) => x.id === visit.id)!;
  const users = new Map(rows.practitioners.map((u) => [u.id, u.name]));
  const trials = rows.trials.filter((t) => t.visitId === v.id && t.status === "COMPLETED" && isTrialSummary(t.summary));
  const prev = await previousResults(c.db, c.user.clinicId, v.patientId, v.scheduledAt);
  const tz = safeTimeZone((await c.db.clinic.findUnique({ where: { id: clinicId }, select: { timezone: true } }))?.timezone);
  const dt = inZone(tz);
  const note = rows.notes.find((n) => n.visitId === v.id) ?? null;
  const chunks = await c.db.angleSampleChunk.findMany({ where: { trialId: { in: trials.map((t) => t.id) } }, orderBy: [{ trialId: "asc" }, { seq: "asc" }], select: { trialId: true, samples: true, format: true } });
  const samplesOf = new Map<string, PoseSample[]>();
  // every stored chunk names its format (old fixed records or the compact one): one reader for both
  for (const ch of chunks) samplesOf.set(ch.trialId, [...(samplesOf.get(ch.trialId) ?? []), ...decodeChunk(new Uint8Array(ch.samples), ch.format)]);

  const { doc, done } = createPdf({ Title: `Visit report ${day(v.startedAt ?? v.scheduledAt)}`, Author: rows.clinic.name });
  const L = 50, W = doc.page.width - 100;

  doc.font(FONT.bold).fontSize(16).fillColor("#000000").text(safe(rows.clinic.name));
  doc.font(FONT.regular).fontSize(9).fillColor("#333333").text(safe([rows.clinic.address, rows.clinic.phone].filter(Boolean).join(" · ") || "Address not recorded"));
  doc.moveDown(0.8);
  doc.font(FONT.bold).fontSize(13).fillColor("#000000").text("Physical therapy visit report");
  doc.font(FONT.regular).fontSize(10);
  const p = rows.patient;
  doc.text(safe(`Patient: ${p.firstName} ${p.lastName}   Date of birth: ${formatCalendarDate(p.dateOfBirth)}${p.recordNumber ? `   Record no.: ${p.recordNumber}` : ""}`));
  doc.text(safe(`Therapist: ${users.get(v.therapistId) ?? "?"}   Visit: ${dt(v.startedAt ?? v.scheduledAt)}${v.reason ? `   Reason: ${v.reason}` : ""}`));
  doc.moveDown(0.8);

  doc.font(FONT.bold).fontSize(11).text("Measured results");
  doc.font(FONT.regular).fontSize(7.5).fillColor("#555555").text("Markerless video pose estimation from one webcam; changes under 5° are within measurement error.");
  doc.fillColor("#000000").moveDown(0.3);
  const cols = [L, L + 150, L + 215, L + 300, L + 375, L + 445];
  const head = ["Movement", "Result", "Normal", "Previous", "Change", "Pain"];
  let y = doc.y;
  doc.font(FONT.bold).fontSize(8.5);
  head.forEach((h, i) => doc.text(h, cols[i]!, y, { width: (cols[i + 1] ?? L + W) - cols[i]! - 4, lineBreak: false }));
  y += 13;
  doc.moveTo(L, y - 2).lineTo(L + W, y - 2).lineWidth(0.4).strokeColor("#999999").stroke();
  doc.font(FONT.regular).fontSize(8.5);
  if (!trials.length) { doc.text("No completed assessments in this visit.", L, y); y += 13; }
  for (const t of trials) {
    const s = t.summary as TrialSummary;
    const title = protocolByKey(t.protocolKey)?.title ?? t.protocolKey;
    const best = s.bestDeg;
    const pv = prev.get(t.protocolKey);
    const ch = best !== null && pv !== undefined ? compare(best, pv) : null;
    const cells = [
      title,
      best === null ? "no data" : s.hold ? `${f1(s.hold.meanDeg)}° mean` : `${f1(best)}°`,
      s.normal ? `${s.normal.min}–${s.normal.max}° (${s.vsNormal})` : "–",
      pv !== undefined ? `${f1(pv)}°` : "–",
      ch ? `${ch.deltaDeg >= 0 ? "+" : ""}${f1(ch.deltaDeg)}°${ch.withinError ? " (within error)" : ""}` : "–",
      t.painDuring !== null ? `${t.painDuring}/10` : "–",
    ];
    cells.forEach((cell, i) => doc.text(safe(cell), cols[i]!, y, { width: (cols[i + 1] ?? L + W) - cols[i]! - 4, lineBreak: false }));
    y += 12;
    if (!s.hold && s.reps.length) {
      doc.fontSize(7).fillColor("#555555").text(`repetitions: ${s.reps.map((r) => `${f1(r.peakDeg)}°`).join(", ")}${s.flags.length ? `   flags: ${s.flags.join(", ")}` : ""}`, cols[0]! + 8, y, { lineBreak: false });
      doc.fontSize(8.5).fillColor("#000000");
      y += 11;
    }
  }
  doc.x = L; doc.y = y + 8;

  const charted = trials.map((t) => ({ title: protocolByKey(t.protocolKey)?.title ?? t.protocolKey, summary: t.summary as TrialSummary, samples: samplesOf.get(t.id) ?? [] }));
  if (charted.length) {
    doc.font(FONT.bold).fontSize(11).text("Charts", L);
    doc.font(FONT.regular).fontSize(7.5).fillColor("#555555").text("Primary angle over time (blue), normal range (green band), repetition peaks (red).", L);
    doc.fillColor("#000000");
    const cw = (W - 40) / 2, chh = 90;
    for (let i = 0; i < charted.length; i++) {
      if (i % 2 === 0 && doc.y + chh + 30 > doc.page.height - 60) doc.addPage();
      const col = i % 2;
      const top = i % 2 === 0 ? doc.y + 6 : y;
      if (col === 0) y = top;
      const cx = L + 22 + col * (cw + 20);
      doc.font(FONT.bold).fontSize(8.5).fillColor("#000000").text(safe(charted[i]!.title), cx, top, { width: cw, lineBreak: false });
      chart(doc, charted[i]!, cx, top + 12, cw - 22, chh);
      if (col === 1 || i === charted.length - 1) { doc.x = L; doc.y = top + chh + 28; }
    }
  }

  if (doc.y > doc.page.height - 160) doc.addPage();
  doc.x = L;
  doc.font(FONT.bold).fontSize(11).fillColor("#000000").text("Visit note", L);
  if (!note) doc.font(FONT.regular).fontSize(9).text("No note was written for this visit.");
  else {
    for (const [label, body] of [["Subjective", note.subjective], ["Objective", note.objective], ["Assessment", note.assessment], ["Plan", note.plan]] as const) {
      doc.font(FONT.bold).fontSize(9).text(label, { continued: false });
      doc.font(FONT.regular).fontSize(9).text(safe(body.trim() || "–"));
      doc.moveDown(0.3);
    }
    doc.font(FONT.italic).fontSize(8.5).text(note.signedAt ? safe(`Signed by ${users.get(note.signedById ?? "") ?? "?"} on ${dt(note.signedAt)}`) : "Not signed (draft)");
    for (const a of note.addenda) {
      doc.moveDown(0.3);
      doc.font(FONT.bold).fontSize(8.5).text(safe(`Addendum, ${dt(a.createdAt)}, ${users.get(a.authorId) ?? "?"}`));
      doc.font(FONT.regular).fontSize(9).text(safe(a.text));
    }
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // the footer sits in the margin; without this pdfkit would start a new page
    doc.font(FONT.regular).fontSize(7).fillColor("#777777").text(safe(`${p.firstName} ${p.lastName} · visit ${dt(v.startedAt ?? v.scheduledAt)} · page ${i + 1} of ${range.count} · generated ${dt(new Date())}`), L, doc.page.height - 40, { width: W, align: "center", lineBreak: false });
  }
  doc.end();
  const pdf = await done;
  return { filename: `visit-report-${day(v.startedAt ?? v.scheduledAt)}-${v.id}.pdf`, pdf };
}
