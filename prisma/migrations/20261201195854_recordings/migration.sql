-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AngleSampleChunk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "trialId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "startMs" REAL NOT NULL,
    "rateHz" REAL NOT NULL,
    "sampleCount" INTEGER NOT NULL,
    "samples" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "format" INTEGER NOT NULL DEFAULT 1,
    "endMs" REAL,
    CONSTRAINT "AngleSampleChunk_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "AssessmentTrial" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AngleSampleChunk" ("createdAt", "id", "rateHz", "sampleCount", "samples", "seq", "startMs", "trialId") SELECT "createdAt", "id", "rateHz", "sampleCount", "samples", "seq", "startMs", "trialId" FROM "AngleSampleChunk";
DROP TABLE "AngleSampleChunk";
ALTER TABLE "new_AngleSampleChunk" RENAME TO "AngleSampleChunk";
CREATE UNIQUE INDEX "AngleSampleChunk_trialId_seq_key" ON "AngleSampleChunk"("trialId", "seq");
CREATE TABLE "new_AssessmentTrial" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "visitId" TEXT NOT NULL,
    "protocolKey" TEXT NOT NULL,
    "protocolVersion" INTEGER NOT NULL,
    "side" TEXT,
    "cameraView" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RECORDING',
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "poseModel" TEXT NOT NULL,
    "poseModelVersion" TEXT NOT NULL,
    "summary" JSONB,
    "qualityFlags" JSONB,
    "painDuring" INTEGER,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL DEFAULT 'assessment',
    "setNumber" INTEGER,
    "dose" JSONB,
    "automaticCount" INTEGER,
    "correctedCount" INTEGER,
    "corrections" JSONB,
    "repetitions" JSONB,
    "holdTimes" JSONB,
    "effort" INTEGER,
    CONSTRAINT "AssessmentTrial_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AssessmentTrial" ("cameraView", "createdAt", "endedAt", "id", "note", "painDuring", "poseModel", "poseModelVersion", "protocolKey", "protocolVersion", "qualityFlags", "side", "startedAt", "status", "summary", "visitId") SELECT "cameraView", "createdAt", "endedAt", "id", "note", "painDuring", "poseModel", "poseModelVersion", "protocolKey", "protocolVersion", "qualityFlags", "side", "startedAt", "status", "summary", "visitId" FROM "AssessmentTrial";
DROP TABLE "AssessmentTrial";
ALTER TABLE "new_AssessmentTrial" RENAME TO "AssessmentTrial";
CREATE INDEX "AssessmentTrial_visitId_idx" ON "AssessmentTrial"("visitId");
CREATE INDEX "AssessmentTrial_protocolKey_idx" ON "AssessmentTrial"("protocolKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
