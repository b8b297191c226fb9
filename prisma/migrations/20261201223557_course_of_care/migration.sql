-- CreateTable
CREATE TABLE "Episode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "startDate" TEXT NOT NULL,
    "plannedWeeks" INTEGER NOT NULL DEFAULT 6,
    "referralReason" TEXT NOT NULL DEFAULT '',
    "diagnosis" TEXT NOT NULL DEFAULT '',
    "goals" TEXT NOT NULL DEFAULT '',
    "reassessDates" JSONB,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "dischargedAt" DATETIME,
    "dischargeReason" TEXT,
    "dischargeNote" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Episode_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Episode_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Episode_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatientLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "payload" JSONB,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "usedAt" DATETIME,
    "completedAt" DATETIME,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PatientLink_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PatientLink_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IntakeSubmission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "linkId" TEXT,
    "formVersion" INTEGER NOT NULL,
    "answers" JSONB NOT NULL,
    "redFlagVersion" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "evaluation" JSONB NOT NULL,
    "submittedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enteredById" TEXT,
    CONSTRAINT "IntakeSubmission_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "IntakeSubmission_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "PatientLink" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExerciseDecision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "decidedById" TEXT NOT NULL,
    "decidedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExerciseDecision_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ExerciseDecision_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CareEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CareEvent_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "lastAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "acknowledgedAt" DATETIME,
    "acknowledgedById" TEXT,
    "resolvedAt" DATETIME,
    "resolvedById" TEXT,
    "resolutionNote" TEXT NOT NULL DEFAULT '',
    "newEvidenceAt" DATETIME,
    "emailedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Alert_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Alert_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT,
    "purpose" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "messageId" TEXT,
    "sentAt" DATETIME,
    "dedupeKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OutboxEmail_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClinicQuestionnaireSetting" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "instrument" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "licenceConfirmedAt" DATETIME,
    "licenceConfirmedById" TEXT,
    "licenceReference" TEXT,
    "text" JSONB,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ClinicQuestionnaireSetting_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuestionnaireDue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "instruments" JSONB NOT NULL,
    "sentAt" DATETIME,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QuestionnaireDue_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QuestionnaireResponse" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "instrument" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "answers" JSONB NOT NULL,
    "score" JSONB NOT NULL,
    "source" TEXT NOT NULL,
    "linkId" TEXT,
    "dueId" TEXT,
    "visitId" TEXT,
    "enteredById" TEXT,
    "submittedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "QuestionnaireResponse_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "QuestionnaireResponse_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "PatientLink" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "QuestionnaireResponse_dueId_fkey" FOREIGN KEY ("dueId") REFERENCES "QuestionnaireDue" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "QuestionnaireResponse_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HomeProgram" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "modelVersion" INTEGER NOT NULL,
    "model" JSONB NOT NULL,
    "templateKey" TEXT,
    "education" JSONB,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "HomeProgram_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "HomeSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "programId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    "painBefore" INTEGER,
    "painAfter" INTEGER,
    "effort" INTEGER,
    "howItWent" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "selfReport" JSONB,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HomeSession_programId_fkey" FOREIGN KEY ("programId") REFERENCES "HomeProgram" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "HomeSession_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReminderSetting" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "programId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "weekdays" JSONB NOT NULL,
    "time" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ReminderSetting_programId_fkey" FOREIGN KEY ("programId") REFERENCES "HomeProgram" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AssessmentTrial" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "visitId" TEXT,
    "homeSessionId" TEXT,
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
    "frameAspect" REAL,
    "rollDeg" REAL,
    CONSTRAINT "AssessmentTrial_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AssessmentTrial_homeSessionId_fkey" FOREIGN KEY ("homeSessionId") REFERENCES "HomeSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_AssessmentTrial" ("automaticCount", "cameraView", "correctedCount", "corrections", "createdAt", "dose", "effort", "endedAt", "holdTimes", "id", "kind", "note", "painDuring", "poseModel", "poseModelVersion", "protocolKey", "protocolVersion", "qualityFlags", "repetitions", "setNumber", "side", "startedAt", "status", "summary", "visitId") SELECT "automaticCount", "cameraView", "correctedCount", "corrections", "createdAt", "dose", "effort", "endedAt", "holdTimes", "id", "kind", "note", "painDuring", "poseModel", "poseModelVersion", "protocolKey", "protocolVersion", "qualityFlags", "repetitions", "setNumber", "side", "startedAt", "status", "summary", "visitId" FROM "AssessmentTrial";
DROP TABLE "AssessmentTrial";
ALTER TABLE "new_AssessmentTrial" RENAME TO "AssessmentTrial";
CREATE INDEX "AssessmentTrial_visitId_idx" ON "AssessmentTrial"("visitId");
CREATE INDEX "AssessmentTrial_homeSessionId_idx" ON "AssessmentTrial"("homeSessionId");
CREATE INDEX "AssessmentTrial_protocolKey_idx" ON "AssessmentTrial"("protocolKey");
CREATE TABLE "new_Visit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "therapistId" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "durationMin" INTEGER NOT NULL DEFAULT 45,
    "reason" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'SCHEDULED',
    "joinTokenHash" TEXT NOT NULL,
    "joinExpiresAt" DATETIME NOT NULL,
    "joinRevokedAt" DATETIME,
    "patientName" TEXT,
    "consentAt" DATETIME,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "cancelledAt" DATETIME,
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "episodeId" TEXT,
    CONSTRAINT "Visit_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Visit_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Visit_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Visit_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Visit" ("cancelledAt", "clinicId", "consentAt", "createdAt", "durationMin", "endedAt", "id", "joinExpiresAt", "joinRevokedAt", "joinTokenHash", "notes", "patientId", "patientName", "reason", "scheduledAt", "startedAt", "status", "therapistId", "updatedAt") SELECT "cancelledAt", "clinicId", "consentAt", "createdAt", "durationMin", "endedAt", "id", "joinExpiresAt", "joinRevokedAt", "joinTokenHash", "notes", "patientId", "patientName", "reason", "scheduledAt", "startedAt", "status", "therapistId", "updatedAt" FROM "Visit";
DROP TABLE "Visit";
ALTER TABLE "new_Visit" RENAME TO "Visit";
CREATE UNIQUE INDEX "Visit_joinTokenHash_key" ON "Visit"("joinTokenHash");
CREATE INDEX "Visit_clinicId_scheduledAt_idx" ON "Visit"("clinicId", "scheduledAt");
CREATE INDEX "Visit_patientId_idx" ON "Visit"("patientId");
CREATE INDEX "Visit_therapistId_scheduledAt_idx" ON "Visit"("therapistId", "scheduledAt");
CREATE INDEX "Visit_episodeId_idx" ON "Visit"("episodeId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Episode_clinicId_status_idx" ON "Episode"("clinicId", "status");

-- CreateIndex
CREATE INDEX "Episode_patientId_idx" ON "Episode"("patientId");

-- CreateIndex
CREATE UNIQUE INDEX "PatientLink_tokenHash_key" ON "PatientLink"("tokenHash");

-- CreateIndex
CREATE INDEX "PatientLink_episodeId_purpose_idx" ON "PatientLink"("episodeId", "purpose");

-- CreateIndex
CREATE INDEX "IntakeSubmission_episodeId_submittedAt_idx" ON "IntakeSubmission"("episodeId", "submittedAt");

-- CreateIndex
CREATE INDEX "ExerciseDecision_episodeId_decidedAt_idx" ON "ExerciseDecision"("episodeId", "decidedAt");

-- CreateIndex
CREATE INDEX "CareEvent_episodeId_at_idx" ON "CareEvent"("episodeId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CareEvent_episodeId_eventId_key" ON "CareEvent"("episodeId", "eventId");

-- CreateIndex
CREATE INDEX "Alert_clinicId_status_severity_idx" ON "Alert"("clinicId", "status", "severity");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_episodeId_dedupeKey_key" ON "Alert"("episodeId", "dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEmail_dedupeKey_key" ON "OutboxEmail"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxEmail_clinicId_createdAt_idx" ON "OutboxEmail"("clinicId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxEmail_status_createdAt_idx" ON "OutboxEmail"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ClinicQuestionnaireSetting_clinicId_instrument_key" ON "ClinicQuestionnaireSetting"("clinicId", "instrument");

-- CreateIndex
CREATE INDEX "QuestionnaireDue_episodeId_dueDate_idx" ON "QuestionnaireDue"("episodeId", "dueDate");

-- CreateIndex
CREATE INDEX "QuestionnaireResponse_episodeId_instrument_submittedAt_idx" ON "QuestionnaireResponse"("episodeId", "instrument", "submittedAt");

-- CreateIndex
CREATE INDEX "HomeProgram_episodeId_status_idx" ON "HomeProgram"("episodeId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "HomeSession_clientId_key" ON "HomeSession"("clientId");

-- CreateIndex
CREATE INDEX "HomeSession_programId_localDate_idx" ON "HomeSession"("programId", "localDate");

-- CreateIndex
CREATE INDEX "HomeSession_episodeId_idx" ON "HomeSession"("episodeId");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderSetting_programId_key" ON "ReminderSetting"("programId");
