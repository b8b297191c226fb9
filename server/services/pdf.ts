// Server-side PDF of the visit report (pdfkit; charts drawn as vector paths, not screenshots).
import PDFDocument from "pdfkit";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { doseInWeek, programEndDate, programModel, weekdaysOf } from "../../app/_shared/care/program";
import { doseText, scheduleText } from "../../app/_shared/care/program-api";
import { educationCardByRef } from "../../app/_shared/care/program-templates";
import { latestExercise } from "../../app/_shared/exercises/catalogue";
import { compare, seriesOf, type TrialSummary } from "../../app/_shared/assessments/summary";
import { isTrialSummary } from "../../app/_shared/records/objective";
import type { PoseSample } from "../../app/_shared/pose/sample";
import { decodeChunk } from "../../app/_shared/recording/codec";
import type { Db } from "../db/client";
import { audit } from "./audit";
import { actorOf, type Caller } from "./context";
import { notFound } from "./errors";
import { loadRecordRows, previousResults } from "./records";

const f1 = (x: number) => x.toFixed(1);
const day = (d: Date) => d.toISOString().slice(0, 10);
const dt = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
/** The standard PDF fonts are WinAnsi: keep what they can print, replace the rest. */
const safe = (s: string) => s.replace(/[^\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2018\u2019\u201C\u201D\u2022\n]/g, "?");

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
  const note = rows.notes.find((n) => n.visitId === v.id) ?? null;
  const chunks = await c.db.angleSampleChunk.findMany({ where: { trialId: { in: trials.map((t) => t.id) } }, orderBy: [{ trialId: "asc" }, { seq: "asc" }], select: { trialId: true, samples: true, format: true } });
  const samplesOf = new Map<string, PoseSample[]>();
  // every stored chunk names its format (old fixed records or the compact one): one reader for both
  for (const ch of chunks) samplesOf.set(ch.trialId, [...(samplesOf.get(ch.trialId) ?? []), ...decodeChunk(new Uint8Array(ch.samples), ch.format)]);

  const doc = new PDFDocument({ size: "A4", margin: 50, bufferPages: true, info: { Title: `Visit report ${day(v.startedAt ?? v.scheduledAt)}`, Author: rows.clinic.name, Creator: "PoseVisit" } });
  const bufs: Buffer[] = [];
  doc.on("data", (b: Buffer) => bufs.push(b));
  const done = new Promise<Buffer>((resolve, reject) => { doc.on("end", () => resolve(Buffer.concat(bufs))); doc.on("error", reject); });
  const L = 50, W = doc.page.width - 100;

  doc.font("Helvetica-Bold").fontSize(16).fillColor("#000000").text(safe(rows.clinic.name));
  doc.font("Helvetica").fontSize(9).fillColor("#333333").text(safe([rows.clinic.address, rows.clinic.phone].filter(Boolean).join(" · ") || "Address not recorded"));
  doc.moveDown(0.8);
  doc.font("Helvetica-Bold").fontSize(13).fillColor("#000000").text("Physical therapy visit report");
  doc.font("Helvetica").fontSize(10);
  const p = rows.patient;
  doc.text(safe(`Patient: ${p.firstName} ${p.lastName}   Date of birth: ${day(p.dateOfBirth)}${p.recordNumber ? `   Record no.: ${p.recordNumber}` : ""}`));
  doc.text(safe(`Therapist: ${users.get(v.therapistId) ?? "?"}   Visit: ${dt(v.startedAt ?? v.scheduledAt)}${v.reason ? `   Reason: ${v.reason}` : ""}`));
  doc.moveDown(0.8);

  doc.font("Helvetica-Bold").fontSize(11).text("Measured results");
  doc.font("Helvetica").fontSize(7.5).fillColor("#555555").text("Markerless video pose estimation from one webcam; changes under 5° are within measurement error.");
  doc.fillColor("#000000").moveDown(0.3);
  const cols = [L, L + 150, L + 215, L + 300, L + 375, L + 445];
  const head = ["Movement", "Result", "Normal", "Previous", "Change", "Pain"];
  let y = doc.y;
  doc.font("Helvetica-Bold").fontSize(8.5);
  head.forEach((h, i) => doc.text(h, cols[i]!, y, { width: (cols[i + 1] ?? L + W) - cols[i]! - 4, lineBreak: false }));
  y += 13;
  doc.moveTo(L, y - 2).lineTo(L + W, y - 2).lineWidth(0.4).strokeColor("#999999").stroke();
  doc.font("Helvetica").fontSize(8.5);
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
    doc.font("Helvetica-Bold").fontSize(11).text("Charts", L);
    doc.font("Helvetica").fontSize(7.5).fillColor("#555555").text("Primary angle over time (blue), normal range (green band), repetition peaks (red).", L);
    doc.fillColor("#000000");
    const cw = (W - 40) / 2, chh = 90;
    for (let i = 0; i < charted.length; i++) {
      if (i % 2 === 0 && doc.y + chh + 30 > doc.page.height - 60) doc.addPage();
      const col = i % 2;
      const top = i % 2 === 0 ? doc.y + 6 : y;
      if (col === 0) y = top;
      const cx = L + 22 + col * (cw + 20);
      doc.font("Helvetica-Bold").fontSize(8.5).fillColor("#000000").text(safe(charted[i]!.title), cx, top, { width: cw, lineBreak: false });
      chart(doc, charted[i]!, cx, top + 12, cw - 22, chh);
      if (col === 1 || i === charted.length - 1) { doc.x = L; doc.y = top + chh + 28; }
    }
  }

  if (doc.y > doc.page.height - 160) doc.addPage();
  doc.x = L;
  doc.font("Helvetica-Bold").fontSize(11).fillColor("#000000").text("Visit note", L);
  if (!note) doc.font("Helvetica").fontSize(9).text("No note was written for this visit.");
  else {
    for (const [label, body] of [["Subjective", note.subjective], ["Objective", note.objective], ["Assessment", note.assessment], ["Plan", note.plan]] as const) {
      doc.font("Helvetica-Bold").fontSize(9).text(label, { continued: false });
      doc.font("Helvetica").fontSize(9).text(safe(body.trim() || "–"));
      doc.moveDown(0.3);
    }
    doc.font("Helvetica-Oblique").fontSize(8.5).text(note.signedAt ? safe(`Signed by ${users.get(note.signedById ?? "") ?? "?"} on ${dt(note.signedAt)}`) : "Not signed (draft)");
    for (const a of note.addenda) {
      doc.moveDown(0.3);
      doc.font("Helvetica-Bold").fontSize(8.5).text(safe(`Addendum, ${dt(a.createdAt)}, ${users.get(a.authorId) ?? "?"}`));
      doc.font("Helvetica").fontSize(9).text(safe(a.text));
    }
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // the footer sits in the margin; without this pdfkit would start a new page
    doc.font("Helvetica").fontSize(7).fillColor("#777777").text(safe(`${p.firstName} ${p.lastName} · visit ${day(v.startedAt ?? v.scheduledAt)} · page ${i + 1} of ${range.count} · generated ${dt(new Date())}`), L, doc.page.height - 40, { width: W, align: "center", lineBreak: false });
  }
  doc.end();
  const pdf = await done;
  return { filename: `visit-report-${day(v.startedAt ?? v.scheduledAt)}-${v.id}.pdf`, pdf };
}

// ---------------------------------------------------------------------------------------------
// The home-program handout (issue 19): for patients who prefer paper. Per phase, each exercise with its
// instructions, dose, days and times (progressions inside the phase spelled out); then the education cards.
// ---------------------------------------------------------------------------------------------

/** Renders a program of the clinic as the patient's handout; null when it is not the clinic's. No audit (callers audit). */
export async function renderProgramHandout(db: Db, clinicId: string, programId: string): Promise<{ filename: string; pdf: Buffer } | null> {
  const row = await db.homeProgram.findFirst({
    where: { id: programId, episode: { clinicId } },
    include: { episode: { select: { therapist: { select: { name: true } }, patient: { select: { firstName: true, lastName: true } }, clinic: { select: { name: true, profile: { select: { address: true, phone: true } } } } } } },
  });
  if (!row) return null;
  const model = programModel.parse(row.model);
  const ep = row.episode;
  const end = programEndDate(model);
  const doc = new PDFDocument({ size: "A4", margin: 50, bufferPages: true, info: { Title: "Home exercise program", Author: ep.clinic.name, Creator: "PoseVisit" } });
  const bufs: Buffer[] = [];
  doc.on("data", (b: Buffer) => bufs.push(b));
  const done = new Promise<Buffer>((resolve, reject) => { doc.on("end", () => resolve(Buffer.concat(bufs))); doc.on("error", reject); });
  const L = 50, W = doc.page.width - 100;
  const ensure = (h: number) => { if (doc.y + h > doc.page.height - 60) doc.addPage(); };

  doc.font("Helvetica-Bold").fontSize(16).fillColor("#000000").text(safe(ep.clinic.name));
  doc.font("Helvetica").fontSize(9).fillColor("#333333").text(safe([ep.clinic.profile?.address, ep.clinic.profile?.phone].filter(Boolean).join(" · ") || " "));
  doc.moveDown(0.6);
  doc.font("Helvetica-Bold").fontSize(14).fillColor("#000000").text("Your home exercise program");
  doc.font("Helvetica").fontSize(10).text(safe(`For ${ep.patient.firstName} ${ep.patient.lastName} · from ${model.startDate} to ${end} (${model.weeks} weeks) · your therapist: ${ep.therapist.name}`));
  doc.fontSize(9).fillColor("#333333").text("Do the exercises on the days shown. Some discomfort is normal; stop an exercise if it causes sharp pain or pain spreading into your leg, and tell your therapist.", { width: W });
  doc.fillColor("#000000").moveDown(0.6);

  const phases = model.phases.length ? [...model.phases].sort((a, b) => a.fromWeek - b.fromWeek) : [{ key: "all", title: "Your exercises", fromWeek: 1, toWeek: model.weeks }];
  for (const ph of phases) {
    const items = model.items.filter((it) => it.fromWeek <= ph.toWeek && (it.toWeek ?? model.weeks) >= ph.fromWeek);
    if (!items.length) continue;
    ensure(60);
    doc.x = L;
    doc.font("Helvetica-Bold").fontSize(12).fillColor("#1e3a8a").text(safe(`${ph.title} · week${ph.fromWeek === ph.toWeek ? ` ${ph.fromWeek}` : `s ${ph.fromWeek}–${ph.toWeek}`}`));
    doc.fillColor("#000000").moveDown(0.2);
    for (const it of items) {
      const ex = latestExercise(it.exerciseKey);
      const first = Math.max(ph.fromWeek, it.fromWeek);
      const steps = it.progression.filter((s) => s.fromWeek > first && s.fromWeek <= Math.min(ph.toWeek, it.toWeek ?? model.weeks));
      ensure(70 + (ex?.instructions.length ?? 0) * 12);
      doc.x = L;
      doc.font("Helvetica-Bold").fontSize(10.5).text(safe(ex?.title ?? it.exerciseKey));
      doc.font("Helvetica").fontSize(9.5).text(safe(`${doseText(doseInWeek(it, first))} · ${scheduleText(weekdaysOf(it), it.timesPerDay)}${it.fromWeek > ph.fromWeek ? ` · starts week ${it.fromWeek}` : ""}${(it.toWeek ?? model.weeks) < ph.toWeek ? ` · until week ${it.toWeek}` : ""}`));
      for (const s of steps) doc.text(safe(`From week ${s.fromWeek}: ${doseText(doseInWeek(it, s.fromWeek))}${s.note ? ` (${s.note})` : ""}`));
      doc.fontSize(9).fillColor("#333333");
      (ex?.instructions ?? []).forEach((line, i) => doc.text(safe(`${i + 1}. ${line}`), L + 10, doc.y, { width: W - 10 }));
      if (it.notes) doc.font("Helvetica-Oblique").text(safe(`Note from your therapist: ${it.notes}`), L + 10, doc.y, { width: W - 10 }).font("Helvetica");
      for (const w of ex?.contraindications ?? []) doc.text(safe(`Take care: ${w}`), L + 10, doc.y, { width: W - 10 });
      doc.fillColor("#000000").moveDown(0.5);
    }
  }
  const cards = (Array.isArray(row.education) ? row.education : []).flatMap((r) => (typeof r === "string" && educationCardByRef(r) ? [educationCardByRef(r)!] : []));
  if (cards.length) {
    ensure(80);
    doc.x = L;
    doc.font("Helvetica-Bold").fontSize(12).fillColor("#1e3a8a").text("Good to know");
    doc.fillColor("#000000").moveDown(0.2);
    for (const card of cards) {
      ensure(40 + card.points.length * 14);
      doc.x = L;
      doc.font("Helvetica-Bold").fontSize(10.5).text(safe(card.title));
      doc.font("Helvetica").fontSize(9.5).text(safe(card.summary), { width: W });
      for (const pt of card.points) doc.text(safe(`\u2022 ${pt}`), L + 10, doc.y, { width: W - 10 });
      doc.moveDown(0.5);
    }
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(7).fillColor("#777777").text(safe(`${ep.patient.firstName} ${ep.patient.lastName} · home exercise program ${model.startDate} to ${end} · page ${i + 1} of ${range.count}`), L, doc.page.height - 40, { width: W, align: "center", lineBreak: false });
  }
  doc.end();
  return { filename: `home-program-${model.startDate}.pdf`, pdf: await done };
}
