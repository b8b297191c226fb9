// Demo data only: two earlier visits of the demo patient with recorded assessments, so the review
// pages have something to show on a fresh development database. Marked as demo in the visit reason.
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { summarize } from "../../app/_shared/assessments/summary";
import { MEASURES, type MeasureKey } from "../../app/_shared/pose/measures";
import type { PoseSample } from "../../app/_shared/pose/sample";
import { CHUNK_FORMAT, encodeChunk } from "../../app/_shared/recording/codec";
import type { Db } from "../db/client";

function sweep(measure: MeasureKey, peaks: number[], sign: 1 | -1, hz = 15): PoseSample[] {
  const repMs = 3500, rest = 700;
  const total = peaks.length * (repMs + rest) + rest;
  const out: PoseSample[] = [];
  for (let t = 0; t < total; t += 1000 / hz) {
    const k = Math.floor((t - rest) / (repMs + rest));
    const inRep = (t - rest) % (repMs + rest);
    const phase = t < rest || inRep > repMs ? 0 : Math.sin((Math.PI * inRep) / repMs);
    const angles = Object.fromEntries(MEASURES.map((m) => [m, null])) as Record<MeasureKey, number | null>;
    const conf = Object.fromEntries(MEASURES.map((m) => [m, 0])) as Record<MeasureKey, number>;
    const a = sign * (peaks[Math.min(k, peaks.length - 1)] ?? 0) * Math.max(0, phase) + Math.sin(t / 170) * 0.6;
    angles[measure] = Math.round(a * 100) / 100;
    conf[measure] = 0.88;
    // a stick figure bending at the hips, side-on, for the replay
    const rad = (a * Math.PI) / 180, hipX = 0.5, hipY = 0.55, trunk = 0.25;
    const lm: number[] = [];
    for (let i = 0; i < 33; i++) {
      const upper = i <= 22, leftRight = i % 2 ? -0.01 : 0.01;
      const x = upper ? hipX + Math.sin(rad) * trunk * (i <= 10 ? 1.25 : 1) + leftRight : hipX + leftRight;
      const y = upper ? hipY - Math.cos(rad) * trunk * (i <= 10 ? 1.25 : 1) : i <= 24 ? hipY : i <= 26 ? 0.72 : 0.9;
      lm.push(x, y, 0.95);
    }
    out.push({ t: Math.round(t), view: measure === "lateralFlexion" ? "frontal" : "sagittal", confidence: 0.88, angles, conf, landmarks: lm });
  }
  return out;
}

export async function seedDemoTrials(db: Db, ids: { clinicId: string; patientId: string; therapistId: string; tokenHash: (s: string) => string }) {
  const plan = [
    { daysAgo: 21, flex: [66, 70, 68], lat: [16, 18, 17] },
    { daysAgo: 7, flex: [78, 82, 80], lat: [20, 22, 21] },
  ];
  for (const [i, v] of plan.entries()) {
    const at = new Date(Date.now() - v.daysAgo * 86400_000);
    const visit = await db.visit.create({
      data: {
        clinicId: ids.clinicId, patientId: ids.patientId, therapistId: ids.therapistId, scheduledAt: at, startedAt: at,
        endedAt: new Date(at.getTime() + 40 * 60_000), status: "ENDED", reason: `Follow-up ${i + 1} (demo data)`,
        joinTokenHash: ids.tokenHash(`demo-ended-${i}-${Math.random()}`), joinExpiresAt: at, joinRevokedAt: at,
        patientName: "Jordan Rivera", consentAt: at,
      },
    });
    for (const [key, measure, peaks, sign] of [["trunk-flexion", "trunkFlexion", v.flex, 1], ["lateral-flexion-right", "lateralFlexion", v.lat, 1]] as const) {
      const samples = sweep(measure, peaks, sign);
      const p = protocolByKey(key)!;
      const summary = summarize(samples, p);
      const trial = await db.assessmentTrial.create({
        data: {
          visitId: visit.id, protocolKey: key, protocolVersion: p.version, side: p.side, cameraView: p.view, status: "COMPLETED",
          startedAt: new Date(at.getTime() + 5 * 60_000), endedAt: new Date(at.getTime() + 6 * 60_000),
          poseModel: "pose_landmarker_lite", poseModelVersion: "tasks-vision-1.1.0", summary: summary as never, qualityFlags: summary.flags,
          painDuring: key === "trunk-flexion" ? 5 - 2 * i : null,
        },
      });
      for (let s = 0, seq = 0; s < samples.length; s += 15, seq++) {
        const part = samples.slice(s, s + 15);
        await db.angleSampleChunk.create({ data: { trialId: trial.id, seq, format: CHUNK_FORMAT, startMs: part[0]!.t, endMs: part[part.length - 1]!.t, rateHz: 15, sampleCount: part.length, samples: Buffer.from(encodeChunk(part)) } });
      }
    }
  }
}
