// The one recording pipeline: assessment trials and exercise sets are both "a recording of pose samples with a spec"
// (one row in AssessmentTrial with its kind and spec, its samples in AngleSampleChunk). The patient's browser feeds it
// in idempotent chunks keyed by (recording, seq); the server validates every sample, stores its own canonical encoding
// (chunk format 2) and summarises the recording itself from what is stored, through one summariser entry point.
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { bytesToBase64 } from "../../app/_shared/pose/sample";
import { CHUNK_FORMAT, ChunkFormatError, decodeChunk, encodeChunk, scanCompactChunk } from "../../app/_shared/recording/codec";
import { MAX_SAMPLES_PER_CHUNK, type finishRecordingInput, type RecordingKind, type uploadChunkInput, type visitChunkInput } from "../../app/_shared/recording/schemas";
import { exerciseContextOf, hasExerciseSetSummariser, summariseRecording } from "../../app/_shared/recording/summary";
import { isUniqueViolation, Prisma, runsConcurrentTransactions, type Db } from "../db/client";
import { audit, type Actor as AuditActor } from "./audit";
import { actorOf, type Caller } from "./context";
import { randomToken, tokenHash } from "./crypto";
import { badRequest, conflict, notFound } from "./errors";
import { assertExerciseAllowed } from "./episodes";
import { checkSamples, checkScanned, MAX_ABS_ANGLE } from "./sample-checks";
import { checkLink, LINK_PROBLEM_MESSAGES, linkActor } from "./patient-links";

/** After a visit ends, the patient's browser may still flush buffered samples for this long. */
const LATE_UPLOAD_MS = 15 * 60_000;
export const recordingSelect = {
  id: true, visitId: true, kind: true, protocolKey: true, protocolVersion: true, side: true, cameraView: true, status: true,
  startedAt: true, endedAt: true, poseModel: true, poseModelVersion: true, summary: true, qualityFlags: true,
  painDuring: true, note: true, setNumber: true, dose: true, automaticCount: true, correctedCount: true, corrections: true,
  repetitions: true, holdTimes: true, effort: true, frameAspect: true, rollDeg: true,
} as const;

const label = (kind: string) => (kind === "exercise" ? "Exercise set" : "Trial");

/** A recording of the caller's clinic (any kind, or the given one). */
export async function ownRecording(c: Caller, id: string, kind?: RecordingKind) {
  const t = await c.db.assessmentTrial.findFirst({
    where: { id, OR: [{ visit: { clinicId: c.user.clinicId } }, { homeSession: { episode: { clinicId: c.user.clinicId } } }], ...(kind ? { kind } : {}) },
    select: {
      ...recordingSelect, visit: { select: { patientId: true, therapistId: true, status: true } },
      // a set practised at home: its patient, for the review page's banner
      homeSession: { select: { localDate: true, episode: { select: { patient: { select: { id: true, firstName: true, lastName: true, dateOfBirth: true, recordNumber: true } } } } } },
    },
  });
  if (!t) throw notFound(kind ? label(kind) : "Recording");
  return t;
}

/** The visit a new recording starts in: the caller's clinic, in progress, no other recording open (one camera). */
export async function visitForNewRecording(c: Caller, visitId: string) {
  const visit = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId } });
  if (!visit) throw notFound("Visit");
  if (visit.status !== "IN_PROGRESS") throw badRequest("Recordings run during a visit that is in progress");
  const open = await c.db.assessmentTrial.findFirst({ where: { visitId: visit.id, status: "RECORDING", endedAt: null }, select: { kind: true } });
  if (open) throw conflict(`Stop or discard the current ${open.kind === "exercise" ? "exercise set" : "recording"} first`);
  await assertExerciseAllowed(c.db, visit); // an emergency red flag blocks exercise and assessment (episodes.ts)
  return visit;
}

type PatientRecording = {
  rec: { id: string; kind: string; status: string; protocolKey: string; protocolVersion: number; dose: unknown; side: string | null; frameAspect: number | null; rollDeg: number | null; startedAt: Date; endedAt: Date | null };
  /** who is uploading, for the audit trail */
  actor: AuditActor;
};
const patientRecordingSelect = { id: true, kind: true, status: true, protocolKey: true, protocolVersion: true, dose: true, side: true, frameAspect: true, rollDeg: true, startedAt: true, endedAt: true } as const;

/** The refusal of an upload whose link takes none (revoked, expired, rotated, visit over). */
const noUploads = (message = "This visit link does not allow uploads") => new TRPCError({ code: "UNAUTHORIZED", message });

/** A visit's join token uploads while the visit runs, and for LATE_UPLOAD_MS after it ended; never once revoked or expired. */
function assertVisitTakesUploads(visit: { status: string; endedAt: Date | null; joinExpiresAt: Date; joinRevokedAt: Date | null }) {
  const lateOk = visit.status === "ENDED" && visit.endedAt && Date.now() - visit.endedAt.getTime() < LATE_UPLOAD_MS;
  if (!lateOk && (visit.status !== "IN_PROGRESS" || visit.joinRevokedAt || visit.joinExpiresAt.getTime() < Date.now()))
    throw noUploads();
}

/** The recording, if the join token belongs to its visit and the visit still accepts samples (null: not a join token). */
async function visitRecording(db: Db, secret: string, token: string, id: string): Promise<PatientRecording | null> {
  const visit = await db.visit.findUnique({
    where: { joinTokenHash: tokenHash(secret, token) },
    select: { id: true, clinicId: true, status: true, endedAt: true, joinExpiresAt: true, joinRevokedAt: true },
  });
  if (!visit) return null;
  assertVisitTakesUploads(visit);
  const rec = await db.assessmentTrial.findFirst({ where: { id, visitId: visit.id }, select: patientRecordingSelect });
  if (!rec) throw notFound("Recording");
  return { rec, actor: { kind: "patient", visitId: visit.id, clinicId: visit.clinicId } };
}

/**
 * The upload path's own lookup of the visit recordings a batch's chunks feed: the same rules as visitRecording (the
 * visit by its token hash, joined to the recording), for every chunk of the batch in ONE query. Uploads are the
 * server's hottest database path (one a second per live visit); measured with tests/bench/load.ts and a CPU profile
 * (2026-12-02), a Prisma model query costs about 0.7 ms of CPU here against 0.25 ms for the same SELECT through
 * $queryRaw, and the upload made seven of them, then one lookup per chunk. So the upload path uses typed raw SQL
 * (portable: quoted identifiers, bound parameters; SQLite and PostgreSQL run the same text) and the rest of the service
 * stays on the model API. What comes back answers for job k: its recording, or throws that chunk's refusal
 * (NotAVisitToken: the token is not a visit's join token).
 */
async function resolveTargets(tx: Tx, jobs: ChunkJob[]): Promise<(k: number, trialId: string) => UploadTarget> {
  type Row = { k: number | bigint; visitStatus: string; visitEndedAt: Date | null; joinExpiresAt: Date; joinRevokedAt: Date | null; id: string | null; kind: string | null; status: string | null; startedAt: Date | null; endedAt: Date | null };
  const asks = jobs.flatMap((j, k) => ("id" in j.target ? [] : [{ k, by: j.target, trialId: j.chunk.trialId }]));
  const rows = asks.length
    ? await tx.$queryRaw<Row[]>`${Prisma.join(
        asks.map(({ k, by, trialId }) => {
          const where = by.visitId === undefined ? Prisma.sql`v."joinTokenHash" = ${by.tokenHash}` : Prisma.sql`v."joinTokenHash" = ${by.tokenHash} AND v."id" = ${by.visitId}`;
          return Prisma.sql`SELECT * FROM (SELECT ${Prisma.raw(String(k))} AS "k", v."status" AS "visitStatus", v."endedAt" AS "visitEndedAt", v."joinExpiresAt", v."joinRevokedAt",
              t."id", t."kind", t."status", t."startedAt", t."endedAt"
            FROM "Visit" v LEFT JOIN "AssessmentTrial" t ON t."visitId" = v."id" AND t."id" = ${trialId}
            WHERE ${where} LIMIT 1) AS "q${Prisma.raw(String(k))}"`;
        }),
        " UNION ALL ",
      )}`
    : [];
  const byK = new Map(rows.map((r) => [Number(r.k), r]));
  return (k) => {
    const r = byK.get(k);
    if (!r) throw new NotAVisitToken();
    assertVisitTakesUploads({ status: r.visitStatus, endedAt: r.visitEndedAt, joinExpiresAt: r.joinExpiresAt, joinRevokedAt: r.joinRevokedAt });
    if (r.id === null || r.kind === null || r.status === null || r.startedAt === null) throw notFound("Recording");
    return { id: r.id, kind: r.kind, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt };
  };
}
type UploadTarget = { id: string; kind: string; status: string; startedAt: Date; endedAt: Date | null };

/**
 * The recording, if the token is a working HOME link and the set belongs to a home session of that link's episode
 * (issue 19: a set practised at home). A revoked or expired link, or an ended episode, uploads nothing.
 */
async function homeRecording(db: Db, secret: string, token: string, id: string): Promise<PatientRecording> {
  const checked = await checkLink(db, { SESSION_SECRET: secret }, token, "HOME");
  if (!checked.ok) {
    const known = checked.problem !== "unknown" && checked.problem !== "wrong-purpose";
    throw noUploads(known ? LINK_PROBLEM_MESSAGES[checked.problem] : undefined);
  }
  const link = checked.link;
  const rec = await db.assessmentTrial.findFirst({ where: { id, visitId: null, homeSession: { episodeId: link.episodeId } }, select: patientRecordingSelect });
  if (!rec) throw notFound("Recording");
  return { rec, actor: linkActor(link) };
}

/** A patient's browser holds a visit's join token or a home link: the recording it may feed. */
async function patientRecording(db: Db, secret: string, token: string, id: string): Promise<PatientRecording> {
  return (await visitRecording(db, secret, token, id)) ?? homeRecording(db, secret, token, id);
}

/** A malformed chunk is the upload's BAD_REQUEST, with the reader's reason. */
function malformed<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ChunkFormatError) throw badRequest(`Samples are malformed: ${e.message}`);
    throw e;
  }
}

/** Time range of a stored chunk (chunks from before endMs was kept are read). */
async function endOf(ch: { endMs: number | null; samples: Uint8Array; format: number }) {
  if (ch.endMs !== null) return ch.endMs;
  const s = decodeChunk(new Uint8Array(ch.samples), ch.format);
  return s[s.length - 1]!.t;
}

/**
 * Stores one chunk exactly once. Chunks of every recording are written through one group-committing writer per
 * database (ChunkWriter): the chunks that arrive while a commit runs go into the next transaction together, so a busy
 * server pays one transaction (and one fsync) for many uploads instead of one each, and an idle one writes at once.
 * Inside the transaction each chunk is resolved and checked as before (the token's visit still takes uploads, its
 * recording still open and locked, no chunk stored under its seq, time running forward across its stored neighbours),
 * so a chunk's answer is the same as if written alone.
 */
export async function uploadChunk(db: Db, secret: string, input: z.output<typeof uploadChunkInput>) {
  const { token, ...chunk } = input;
  try {
    return await chunkWriter(db).write({ target: { tokenHash: tokenHash(secret, token) }, chunk });
  } catch (e) {
    if (!(e instanceof NotAVisitToken)) throw e;
  }
  // not a visit's join token: a home link's set (checked on its own, outside the batch)
  const { rec } = await homeRecording(db, secret, token, input.trialId);
  return chunkWriter(db).write({ target: rec, chunk });
}

/**
 * The same upload from a patient's live visit socket (`recording:chunk`, app/_shared/protocol.ts): the socket's
 * handshake proved a join token; its hash (`linkHash`) must still be the visit's link, so a link rotated or revoked
 * since stops the socket's uploads at once, as it stops tRPC's (whether or not the socket was closed yet). The visit's
 * rules (running, or ended less than LATE_UPLOAD_MS ago; link not revoked or expired) and everything after are
 * uploadChunk's.
 */
export async function uploadVisitChunk(db: Db, link: { visitId: string; linkHash: string }, input: z.output<typeof visitChunkInput>) {
  try {
    return await chunkWriter(db).write({ target: { tokenHash: link.linkHash, visitId: link.visitId }, chunk: input });
  } catch (e) {
    if (e instanceof NotAVisitToken) throw noUploads();
    throw e;
  }
}

/** The token of an upload is not a visit's join token (uploadChunk then tries it as a home link). */
class NotAVisitToken extends Error {}

/**
 * One chunk made ready for its batch's checks: the recording it feeds, its samples decoded and checked on their own.
 * What is stored is what was validated, in the current format. A chunk already in it is stored as sent: its decoder
 * is strict (declared sizes exact, no byte after the last column, every value in range), so the bytes are exactly
 * the samples checked. Re-encoding them anyway (DEFLATE at level 9) cost about 0.3 ms of the service's 2.1 ms of CPU
 * per chunk (`npm run bench:upload`, 2026-12-02: 2.13 -> 1.68-1.82 ms); chunks of an older format are re-encoded.
 * A refusal of the samples (BAD_REQUEST) is kept, not thrown: a retried upload of a stored chunk is a duplicate
 * whatever changed since (the recording closed, its stop time set), which only the batch's read can tell.
 */
function prepare(rec: UploadTarget, chunk: z.output<typeof visitChunkInput>): Prepared {
  // the schema checked the text is base64 (zod's strict pattern), so Node's decoder reads exactly what was sent
  const sent = Buffer.from(chunk.samples, "base64");
  let refusal: TRPCError | undefined;
  const refuse = (check: () => void) => {
    try {
      if (rec.status !== "RECORDING") throw badRequest(`This ${label(rec.kind).toLowerCase()} is ${rec.status.toLowerCase()} and takes no more samples`);
      check();
    } catch (e) {
      if (!(e instanceof TRPCError && e.code === "BAD_REQUEST")) throw e;
      refusal = e;
    }
  };
  if (chunk.format === CHUNK_FORMAT) {
    // Read and checked in place (no sample objects): what is stored is the bytes the scan read.
    const scan = malformed(() => scanCompactChunk(sent, MAX_SAMPLES_PER_CHUNK, MAX_ABS_ANGLE));
    refuse(() => checkScanned(scan, chunk.startMs, rec));
    return { rec, seq: chunk.seq, rateHz: chunk.rateHz, count: scan.count, first: scan.times[0]!, last: scan.times[scan.count - 1]!, canonical: sent, refusal };
  }
  const samples = malformed(() => decodeChunk(sent, chunk.format, MAX_SAMPLES_PER_CHUNK));
  refuse(() => checkSamples(samples, chunk.startMs, rec));
  return { rec, seq: chunk.seq, rateHz: chunk.rateHz, count: samples.length, first: samples[0]!.t, last: samples[samples.length - 1]!.t, canonical: encodeChunk(samples, CHUNK_FORMAT), refusal };
}

/** An upload as it waits for its batch: whom it is for (a visit's token hash, resolved in the batch, or a recording a
 * home link resolved already) and the chunk as sent. */
type ChunkJob = { target: UploadTarget | { tokenHash: string; visitId?: string }; chunk: z.output<typeof visitChunkInput> };
/** A chunk ready for its batch: its sample count and first and last times, and the bytes to store (format 2). */
type Prepared = { rec: UploadTarget; seq: number; rateHz: number; count: number; first: number; last: number; canonical: Uint8Array; refusal?: TRPCError };
type ChunkResult = { stored: boolean; duplicate: boolean; seq: number };
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Largest number of chunks committed in one transaction. */
const MAX_BATCH = 32;
/**
 * While chunks arrive faster than BUSY_PER_S a second, the writer collects them for BATCH_WINDOW_MS before a commit.
 * A new transaction costs more than its statements (BEGIN and COMMIT round trips, and each commit syncs the log, which
 * SQLite's synchronous driver does on the event loop; server/db/sqlite-adapter.ts keeps SQLite on one connection
 * across them), and a batch's statements cost about the same for 1 chunk as for 20 (writeBatch): a busy server commits
 * about 10 times a second per lane however many uploads arrive, and an upload's acknowledgement waits at most one
 * window more (the recorder keeps a chunk until it is acknowledged, and waits 5 s or more for it). Measured in
 * bench:load at 125 visits (2026-12-02): 13 chunks per batch, 0.77 ms of CPU per chunk in the transaction, of which
 * decoding and checking the samples 0.21, the four statements 0.45, BEGIN and COMMIT 0.11. Below that rate each
 * chunk is committed as soon as it arrives.
 */
const BUSY_PER_S = 20;
const BATCH_WINDOW_MS = 100;
/** A batch waits for the database longer than Prisma's defaults (2 s to start, 5 s to run) before it fails. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

/**
 * Batches committed side by side on a database that runs transactions concurrently (PostgreSQL): with one batch at a
 * time, each chunk's statements are round trips one after another, and a single writer capped the whole process at
 * about 1 / (a chunk's round trips) uploads a second (bench:load --cluster, 2026-12-02: at 125 visits every upload
 * waited past its 5 s acknowledgement). Each batch locks its recordings in id order, so two batches never wait on each
 * other in a cycle; chunks of one recording in two batches are checked one after the other under its row lock.
 */
const PG_LANES = 4;

class ChunkWriter {
  private queue: { job: ChunkJob; resolve: (r: ChunkResult) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  private readonly lanes: number;
  /** PostgreSQL (row locks, concurrent batches) rather than SQLite (one writer). */
  private readonly pg: boolean;
  /** When the chunks of the last second were committed. */
  private recent: number[] = [];
  constructor(private db: Db) {
    this.pg = runsConcurrentTransactions(db);
    this.lanes = this.pg ? PG_LANES : 1;
  }

  private busy(now: number) {
    while (this.recent.length && now - this.recent[0]! > 1_000) this.recent.shift();
    return this.recent.length >= BUSY_PER_S;
  }

  write(job: ChunkJob): Promise<ChunkResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.running < this.lanes) void this.drain();
    });
  }

  private async drain() {
    this.running++;
    try {
      while (this.queue.length) {
        if (this.busy(Date.now())) await new Promise((r) => setTimeout(r, BATCH_WINDOW_MS));
        // in recording id order (each chunk names its recording): the lock order every batch follows (see PG_LANES)
        const batch = this.queue.splice(0, MAX_BATCH).sort((a, b) => (a.job.chunk.trialId < b.job.chunk.trialId ? -1 : a.job.chunk.trialId > b.job.chunk.trialId ? 1 : a.job.chunk.seq - b.job.chunk.seq));
        if (!batch.length) break; // another lane took them
        const now = Date.now();
        for (let i = 0; i < batch.length; i++) this.recent.push(now);
        let outcomes: ({ ok: true; r: ChunkResult } | { ok: false; e: unknown })[];
        try {
          outcomes = await this.db.$transaction((tx) => writeBatch(tx, batch.map((b) => b.job), this.pg), TX_OPTIONS);
        } catch (e) {
          if (batch.length > 1 && isUniqueViolation(e)) {
            // A writer of another process stored one of these seqs meanwhile: each chunk on its own.
            for (const b of batch) await this.one(b);
            continue;
          }
          // Anything else (a timeout under overload): nothing was stored, every upload of the batch fails and is
          // retried by its browser, rather than doing the work again here one by one.
          outcomes = batch.map(() => ({ ok: false as const, e }));
        }
        batch.forEach((b, i) => {
          const o = outcomes[i]!;
          if (o.ok) b.resolve(o.r);
          else b.reject(o.e);
        });
      }
    } finally {
      this.running--;
    }
  }

  /** One chunk in its own transaction; if a concurrent writer stored its seq first, once more: then it is a retry. */
  private async one(b: ChunkWriter["queue"][number]) {
    for (let attempt = 0; ; attempt++) {
      try {
        const [o] = await this.db.$transaction((tx) => writeBatch(tx, [b.job], this.pg), TX_OPTIONS);
        return o!.ok ? b.resolve(o!.r) : b.reject(o!.e);
      } catch (e) {
        if (attempt === 0 && isUniqueViolation(e)) continue; // the same samples are a duplicate now, others a conflict
        return b.reject(e);
      }
    }
  }
}

const writers = new WeakMap<Db, ChunkWriter>();
function chunkWriter(db: Db): ChunkWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new ChunkWriter(db)));
  return w;
}

type Outcome = { ok: true; r: ChunkResult } | { ok: false; e: unknown };

/**
 * One batch of chunks inside its transaction, in four statements however many chunks it holds: resolve the visit
 * tokens, lock the batch's recordings, read every chunk's stored neighbours, insert the accepted chunks in one
 * multi-row INSERT. Each chunk is
 * checked as if written alone (its recording still open, no chunk stored under its seq, time running forward across
 * its nearest stored neighbours and the batch's chunks of the same recording), and a refusal is that chunk's own
 * outcome; a database error fails the batch. Measured with bench:upload (2026-12-02, 20 chunks a wave): one chunk
 * at a time this was a lookup and three statements per chunk through Prisma's raw query machinery (about 0.25 ms of
 * CPU each on SQLite), 2.13 ms of CPU per chunk in all; batched, 1.02 ms.
 * Raw SQL, the same text on SQLite and PostgreSQL (quoted identifiers, bound parameters), except the lock.
 * `jobs` come sorted by recording id, then seq (ChunkWriter.drain).
 */
async function writeBatch(tx: Tx, jobs: ChunkJob[], pg: boolean): Promise<Outcome[]> {
  const out: Outcome[] = new Array(jobs.length);
  // 1. The recordings the visit tokens name, in one query (the upload's own lookup: see resolveTargets).
  const resolved = await resolveTargets(tx, jobs);
  // 2. Each chunk on its own: its visit takes uploads, its recording exists, its samples decode and pass their checks.
  // A chunk refused here is refused alone (whatever the error); the batch goes on without it.
  const ready: { k: number; p: Prepared }[] = [];
  for (const [k, job] of jobs.entries()) {
    try {
      const rec = "id" in job.target ? job.target : resolved(k, job.chunk.trialId);
      ready.push({ k, p: prepare(rec, job.chunk) });
    } catch (e) {
      out[k] = { ok: false, e };
    }
  }
  if (!ready.length) return out;
  const ids = [...new Set(ready.map((r) => r.p.rec.id))].sort();
  const idList = Prisma.join(ids);
  // 3. Lock the recordings (PostgreSQL: row locks taken in id order, so two batches never wait on each other in a cycle;
  // SQLite: the database's write lock), so that concurrent uploads of one recording check their neighbours one after
  // the other and a recording closed meanwhile takes nothing. What comes back: those still recording.
  type Id = { id: string };
  const open = new Set(
    (pg
      ? await tx.$queryRaw<Id[]>`SELECT "id" FROM "AssessmentTrial" WHERE "id" IN (${idList}) AND "status" = 'RECORDING' ORDER BY "id" FOR UPDATE`
      : await tx.$queryRaw<Id[]>`UPDATE "AssessmentTrial" SET "status" = "status" WHERE "id" IN (${idList}) AND "status" = 'RECORDING' RETURNING "id"`
    ).map((r) => r.id),
  );
  // 4. Every chunk's nearest stored neighbours on either side and whether its seq is stored already (a retry), one row
  // each (k: its index in `ready`). Scalar subqueries on the (trialId, seq) unique index.
  const rows = await tx.$queryRaw<Near[]>`${Prisma.join(
    ready.map(
      ({ p: { rec: { id }, seq } }, k) => Prisma.sql`SELECT ${Prisma.raw(String(k))} AS "k",
        (SELECT c."seq" FROM "AngleSampleChunk" c WHERE c."trialId" = ${id} AND c."seq" < ${seq} ORDER BY c."seq" DESC LIMIT 1) AS "prevSeq",
        (SELECT c."endMs" FROM "AngleSampleChunk" c WHERE c."trialId" = ${id} AND c."seq" < ${seq} ORDER BY c."seq" DESC LIMIT 1) AS "prevEnd",
        (SELECT c."seq" FROM "AngleSampleChunk" c WHERE c."trialId" = ${id} AND c."seq" > ${seq} ORDER BY c."seq" ASC LIMIT 1) AS "nextSeq",
        (SELECT c."startMs" FROM "AngleSampleChunk" c WHERE c."trialId" = ${id} AND c."seq" > ${seq} ORDER BY c."seq" ASC LIMIT 1) AS "nextStart",
        (SELECT c."format" FROM "AngleSampleChunk" c WHERE c."trialId" = ${id} AND c."seq" = ${seq}) AS "here"`,
    ),
    " UNION ALL ",
  )}`;
  const near = new Map(rows.map((r) => [Number(r.k), r]));
  /** Chunks of this batch accepted so far, per recording, in seq order (jobs are sorted). */
  const accepted = new Map<string, Prepared[]>();
  // 5. Each chunk against what is stored and what this batch accepted before it; then one INSERT for those accepted.
  for (const [i, { k, p }] of ready.entries()) {
    try {
      out[k] = { ok: true, r: await checkInBatch(tx, p, near.get(i)!, open, accepted) };
    } catch (e) {
      if (!(e instanceof TRPCError)) throw e;
      out[k] = { ok: false, e };
    }
  }
  const insert = [...accepted.values()].flat();
  if (insert.length) {
    const now = new Date();
    await tx.$executeRaw`
      INSERT INTO "AngleSampleChunk" ("id", "trialId", "seq", "format", "startMs", "endMs", "rateHz", "sampleCount", "samples", "createdAt")
      VALUES ${Prisma.join(insert.map((j) => Prisma.sql`(${chunkId()}, ${j.rec.id}, ${j.seq}, ${CHUNK_FORMAT}, ${j.first}, ${j.last}, ${j.rateHz}, ${j.count}, ${Buffer.isBuffer(j.canonical) ? j.canonical : Buffer.from(j.canonical)}, ${now})`))}`;
  }
  return out;
}

/** A row of writeBatch's neighbour query (integers come back as bigint from some drivers). */
type Near = { k: number | bigint; prevSeq: number | bigint | null; prevEnd: number | bigint | null; nextSeq: number | bigint | null; nextStart: number | bigint | null; here: number | bigint | null };
const num = (v: number | bigint | null) => (v === null ? null : Number(v));

/** One chunk's checks inside its batch (writeBatch). Throws a TRPCError for a refusal of this chunk. */
async function checkInBatch(
  tx: Tx,
  job: Prepared,
  near: Near,
  open: Set<string>,
  accepted: Map<string, Prepared[]>,
): Promise<ChunkResult> {
  const { rec, seq, first, last, canonical } = job;
  let mine = accepted.get(rec.id);
  if (!mine) accepted.set(rec.id, (mine = []));
  // A retry: of a stored chunk, or of one accepted earlier in this batch.
  if (near.here !== null) {
    const existing = await tx.angleSampleChunk.findUnique({ where: { trialId_seq: { trialId: rec.id, seq } }, select: { samples: true, format: true } });
    if (existing) return duplicateOf(existing, canonical, seq);
  }
  const twin = mine.find((j) => j.seq === seq);
  if (twin) return duplicateOf({ samples: twin.canonical, format: CHUNK_FORMAT }, canonical, seq);
  if (job.refusal) throw job.refusal;
  if (!open.has(rec.id)) throw badRequest(`This ${label(rec.kind).toLowerCase()} was closed and takes no more samples`);
  // Time must run forward across the nearest chunks on either side, whatever seq arrived first: the nearest before is
  // the stored one or one of this batch's (lower seqs come first); the nearest stored one after is enough, since this
  // batch's later chunks check themselves against this one.
  const batchPrev = mine.at(-1);
  const storedPrev = num(near.prevSeq);
  if (batchPrev && (storedPrev === null || batchPrev.seq > storedPrev)) {
    if (batchPrev.last >= first) throw badRequest(`Chunk is out of order: its samples start before chunk ${batchPrev.seq} ends`);
  } else if (storedPrev !== null) {
    const prevEnd = num(near.prevEnd) ?? (await endOf(await tx.angleSampleChunk.findUniqueOrThrow({ where: { trialId_seq: { trialId: rec.id, seq: storedPrev } }, select: { endMs: true, samples: true, format: true } })));
    if (prevEnd >= first) throw badRequest(`Chunk is out of order: its samples start before chunk ${storedPrev} ends`);
  }
  const nextSeq = num(near.nextSeq);
  if (nextSeq !== null && num(near.nextStart)! <= last) throw badRequest(`Chunk is out of order: its samples end after chunk ${nextSeq} starts`);
  mine.push(job);
  return { stored: true, duplicate: false, seq };
}

/** A chunk row's id: never shown or referenced outside its row; unique and unguessable as the model's cuids are. */
const chunkId = () => `c${randomToken(12)}`;

/** A retried upload is accepted once: the same samples (whatever format either was sent in), never others. */
function duplicateOf(existing: { samples: Uint8Array; format: number }, canonical: Uint8Array, seq: number) {
  const stored = new Uint8Array(existing.samples);
  // `canonical` is the retry's bytes in the current format. The same bytes in the same format are the same samples;
  // otherwise both are compared as the server's own encoding (a chunk stored as sent may have been compressed
  // differently from its retry).
  if (existing.format === CHUNK_FORMAT && Buffer.compare(Buffer.from(stored), Buffer.from(canonical)) === 0) return { stored: false, duplicate: true, seq };
  const mine = (bytes: Uint8Array, format: number) => Buffer.from(encodeChunk(decodeChunk(bytes, format), CHUNK_FORMAT));
  if (Buffer.compare(mine(stored, existing.format), mine(canonical, CHUNK_FORMAT)) !== 0) throw conflict(`Chunk ${seq} was already stored with other samples`);
  return { stored: false, duplicate: true, seq };
}

function storedChunks(db: Db, id: string) {
  return db.angleSampleChunk.findMany({ where: { trialId: id }, orderBy: { seq: "asc" }, select: { seq: true, samples: true, format: true } });
}
async function storedSamples(db: Db, id: string) {
  return (await storedChunks(db, id)).flatMap((ch) => decodeChunk(new Uint8Array(ch.samples), ch.format));
}

/** Summarises from the stored samples through the one entry point; an exercise set without a summariser stays PENDING. */
async function summariseAndClose(db: Db, rec: { id: string; kind: string; protocolKey: string; protocolVersion: number; dose: unknown; side: string | null; frameAspect: number | null; rollDeg: number | null; endedAt: Date | null }, incomplete: boolean) {
  const samples = await storedSamples(db, rec.id);
  const out = summariseRecording({ kind: rec.kind, specKey: rec.protocolKey, specVersion: rec.protocolVersion, dose: rec.dose, context: exerciseContextOf(rec) }, samples, { incomplete });
  const endedAt = rec.endedAt ?? new Date();
  if (out.status === "PENDING") {
    return db.assessmentTrial.update({ where: { id: rec.id }, data: { status: "PENDING", endedAt, qualityFlags: incomplete ? ["INCOMPLETE"] : [] }, select: recordingSelect });
  }
  return db.assessmentTrial.update({
    where: { id: rec.id },
    data: {
      status: "COMPLETED", endedAt, summary: out.summary as never, qualityFlags: out.flags,
      ...(out.exercise ? { automaticCount: out.exercise.automaticCount, repetitions: out.exercise.repetitions as never, holdTimes: out.exercise.holdTimes } : {}),
    },
    select: recordingSelect,
  });
}

/** The patient's browser says it has uploaded chunks 0..chunkCount-1; the server checks and summarises. */
export async function finishRecording(db: Db, secret: string, input: z.output<typeof finishRecordingInput>) {
  const { rec, actor } = await patientRecording(db, secret, input.token, input.trialId);
  if (rec.status === "DISCARDED") return { status: "DISCARDED" as const };
  if (rec.status === "COMPLETED") return { status: "COMPLETED" as const, summary: (await db.assessmentTrial.findUniqueOrThrow({ where: { id: rec.id } })).summary };
  const seqs = new Set((await db.angleSampleChunk.findMany({ where: { trialId: rec.id }, select: { seq: true } })).map((c) => c.seq));
  const missing: number[] = [];
  for (let i = 0; i < input.chunkCount; i++) if (!seqs.has(i)) missing.push(i);
  if (missing.length) throw badRequest(`Chunks not received yet: ${missing.slice(0, 20).join(", ")}`);
  if (seqs.size > input.chunkCount) throw badRequest(`More chunks are stored (${seqs.size}) than reported (${input.chunkCount})`);
  const done = await summariseAndClose(db, rec, false);
  await audit(db, actor, rec.kind === "exercise" ? "set.finish" : "trial.finish", { record: { type: "AssessmentTrial", id: rec.id } });
  return { status: done.status as "COMPLETED" | "PENDING", summary: done.summary };
}

/** Therapist: stop now with what has arrived (the patient may still be flushing; then INCOMPLETE). */
export async function completeRecording(c: Caller, id: string, kind?: RecordingKind) {
  const t = await ownRecording(c, id, kind);
  if (t.status === "COMPLETED") return t;
  if (t.status === "DISCARDED") throw badRequest(`This ${label(t.kind).toLowerCase()} was discarded`);
  const done = await summariseAndClose(c.db, { ...t, dose: t.dose }, t.status === "RECORDING");
  await audit(c.db, actorOf(c), t.kind === "exercise" ? "set.complete" : "trial.complete", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return done;
}

/** Therapist: marks the end of recording; it completes when the patient's browser has flushed. */
export async function stopRecording(c: Caller, id: string, kind?: RecordingKind) {
  const t = await ownRecording(c, id, kind);
  if (t.status !== "RECORDING") return t;
  return c.db.assessmentTrial.update({ where: { id: t.id }, data: { endedAt: t.endedAt ?? new Date() }, select: recordingSelect });
}

export async function discardRecording(c: Caller, id: string, kind?: RecordingKind) {
  const t = await ownRecording(c, id, kind);
  const [, updated] = await c.db.$transaction([
    c.db.angleSampleChunk.deleteMany({ where: { trialId: t.id } }),
    c.db.assessmentTrial.update({ where: { id: t.id }, data: { status: "DISCARDED", endedAt: t.endedAt ?? new Date(), summary: undefined }, select: recordingSelect }),
  ]);
  await audit(c.db, actorOf(c), t.kind === "exercise" ? "set.discard" : "trial.discard", { record: { type: "AssessmentTrial", id: t.id }, ip: c.ip });
  return updated;
}

/** An exercise set still PENDING is summarised as soon as a summariser is registered (here, on read). */
async function catchUp<T extends { id: string; kind: string; status: string }>(db: Db, rows: T[]): Promise<T[]> {
  if (!hasExerciseSetSummariser() || !rows.some((r) => r.status === "PENDING")) return rows;
  const out: T[] = [];
  for (const r of rows) {
    if (r.status !== "PENDING") out.push(r);
    else {
      const full = await db.assessmentTrial.findUniqueOrThrow({ where: { id: r.id }, select: { id: true, kind: true, protocolKey: true, protocolVersion: true, dose: true, side: true, frameAspect: true, rollDeg: true, endedAt: true, qualityFlags: true } });
      const flags = Array.isArray(full.qualityFlags) ? (full.qualityFlags as string[]) : [];
      const done = await summariseAndClose(db, full, flags.includes("INCOMPLETE"));
      out.push({ ...r, ...done });
    }
  }
  return out;
}
export const summarisePending = catchUp;

/**
 * A recording with its samples: one chunk of the current format (base64) holding every stored sample in order; the
 * browser reads it with decodeChunk(base64ToBytes(samples), format).
 */
export async function getRecording(c: Caller, id: string, kind?: RecordingKind) {
  const [t] = await catchUp(c.db, [await ownRecording(c, id, kind)]);
  const chunks = await storedChunks(c.db, t!.id);
  const samples = chunks.flatMap((ch) => decodeChunk(new Uint8Array(ch.samples), ch.format));
  await audit(c.db, actorOf(c), t!.kind === "exercise" ? "set.read" : "trial.read", { record: { type: "AssessmentTrial", id: t!.id }, ip: c.ip });
  return { ...t!, chunkSeqs: chunks.map((ch) => ch.seq), format: CHUNK_FORMAT, sampleCount: samples.length, samples: samples.length ? bytesToBase64(encodeChunk(samples)) : "" };
}

/** Recordings of one kind in a visit (oldest first), clinic-scoped. */
export async function visitRecordings(c: Caller, kind: RecordingKind, visitId: string) {
  const v = await c.db.visit.findFirst({ where: { id: visitId, clinicId: c.user.clinicId }, select: { id: true } });
  if (!v) throw notFound("Visit");
  return catchUp(c.db, await c.db.assessmentTrial.findMany({ where: { visitId: v.id, kind }, orderBy: { startedAt: "asc" }, select: recordingSelect }));
}

/** Every kept recording of one kind of a patient, oldest first, with its visit; clinic-scoped. */
export async function patientRecordings(c: Caller, kind: RecordingKind, patientId: string) {
  const p = await c.db.patient.findFirst({ where: { id: patientId, clinicId: c.user.clinicId }, select: { id: true } });
  if (!p) throw notFound("Patient");
  const rows = await catchUp(
    c.db,
    await c.db.assessmentTrial.findMany({
      where: { visit: { patientId: p.id, clinicId: c.user.clinicId }, kind, status: { not: "DISCARDED" } },
      orderBy: [{ startedAt: "asc" }],
      select: { ...recordingSelect, visit: { select: { id: true, scheduledAt: true, startedAt: true } } },
    }),
  );
  return rows.filter(inVisit);
}

/** Narrows a recording row to one made in a visit (the where clause above already asks for one). */
export function inVisit<T extends { visit: object | null; visitId: string | null }>(r: T): r is T & { visit: NonNullable<T["visit"]>; visitId: string } {
  return r.visit !== null && r.visitId !== null;
}
