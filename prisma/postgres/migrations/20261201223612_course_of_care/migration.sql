-- AlterTable
ALTER TABLE "AssessmentTrial" ADD COLUMN     "frameAspect" DOUBLE PRECISION,
ADD COLUMN     "homeSessionId" TEXT,
ADD COLUMN     "rollDeg" DOUBLE PRECISION,
ALTER COLUMN "visitId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "episodeId" TEXT;

-- CreateTable
CREATE TABLE "Episode" (
    "id" TEXT NOT NULL,
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
    "dischargedAt" TIMESTAMP(3),
    "dischargeReason" TEXT,
    "dischargeNote" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Episode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatientLink" (
    "id" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "payload" JSONB,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "usedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PatientLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntakeSubmission" (
    "id" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "linkId" TEXT,
    "formVersion" INTEGER NOT NULL,
    "answers" JSONB NOT NULL,
    "redFlagVersion" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "evaluation" JSONB NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enteredById" TEXT,

    CONSTRAINT "IntakeSubmission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExerciseDecision" (
    "id" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "decidedById" TEXT NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExerciseDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareEvent" (
    "id" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CareEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedById" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" TEXT,
    "resolutionNote" TEXT NOT NULL DEFAULT '',
    "newEvidenceAt" TIMESTAMP(3),
    "emailedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" TEXT NOT NULL,
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
    "sentAt" TIMESTAMP(3),
    "dedupeKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEmail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClinicQuestionnaireSetting" (
    "id" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "instrument" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "licenceConfirmedAt" TIMESTAMP(3),
    "licenceConfirmedById" TEXT,
    "licenceReference" TEXT,
    "text" JSONB,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClinicQuestionnaireSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuestionnaireDue" (
    "id" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "instruments" JSONB NOT NULL,
    "sentAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuestionnaireDue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuestionnaireResponse" (
    "id" TEXT NOT NULL,
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
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuestionnaireResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeProgram" (
    "id" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "modelVersion" INTEGER NOT NULL,
    "model" JSONB NOT NULL,
    "templateKey" TEXT,
    "education" JSONB,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HomeProgram_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeSession" (
    "id" TEXT NOT NULL,
    "programId" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "painBefore" INTEGER,
    "painAfter" INTEGER,
    "effort" INTEGER,
    "howItWent" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "selfReport" JSONB,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HomeSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReminderSetting" (
    "id" TEXT NOT NULL,
    "programId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "weekdays" JSONB NOT NULL,
    "time" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReminderSetting_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "AssessmentTrial_homeSessionId_idx" ON "AssessmentTrial"("homeSessionId");

-- CreateIndex
CREATE INDEX "Visit_episodeId_idx" ON "Visit"("episodeId");

-- AddForeignKey
ALTER TABLE "Visit" ADD CONSTRAINT "Visit_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentTrial" ADD CONSTRAINT "AssessmentTrial_homeSessionId_fkey" FOREIGN KEY ("homeSessionId") REFERENCES "HomeSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Episode" ADD CONSTRAINT "Episode_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Episode" ADD CONSTRAINT "Episode_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Episode" ADD CONSTRAINT "Episode_therapistId_fkey" FOREIGN KEY ("therapistId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatientLink" ADD CONSTRAINT "PatientLink_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatientLink" ADD CONSTRAINT "PatientLink_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntakeSubmission" ADD CONSTRAINT "IntakeSubmission_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntakeSubmission" ADD CONSTRAINT "IntakeSubmission_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "PatientLink"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExerciseDecision" ADD CONSTRAINT "ExerciseDecision_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExerciseDecision" ADD CONSTRAINT "ExerciseDecision_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareEvent" ADD CONSTRAINT "CareEvent_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxEmail" ADD CONSTRAINT "OutboxEmail_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClinicQuestionnaireSetting" ADD CONSTRAINT "ClinicQuestionnaireSetting_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuestionnaireDue" ADD CONSTRAINT "QuestionnaireDue_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuestionnaireResponse" ADD CONSTRAINT "QuestionnaireResponse_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuestionnaireResponse" ADD CONSTRAINT "QuestionnaireResponse_linkId_fkey" FOREIGN KEY ("linkId") REFERENCES "PatientLink"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuestionnaireResponse" ADD CONSTRAINT "QuestionnaireResponse_dueId_fkey" FOREIGN KEY ("dueId") REFERENCES "QuestionnaireDue"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QuestionnaireResponse" ADD CONSTRAINT "QuestionnaireResponse_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeProgram" ADD CONSTRAINT "HomeProgram_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeSession" ADD CONSTRAINT "HomeSession_programId_fkey" FOREIGN KEY ("programId") REFERENCES "HomeProgram"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeSession" ADD CONSTRAINT "HomeSession_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderSetting" ADD CONSTRAINT "ReminderSetting_programId_fkey" FOREIGN KEY ("programId") REFERENCES "HomeProgram"("id") ON DELETE CASCADE ON UPDATE CASCADE;
