-- AlterTable
ALTER TABLE "AngleSampleChunk" ADD COLUMN     "endMs" DOUBLE PRECISION,
ADD COLUMN     "format" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "AssessmentTrial" ADD COLUMN     "automaticCount" INTEGER,
ADD COLUMN     "correctedCount" INTEGER,
ADD COLUMN     "corrections" JSONB,
ADD COLUMN     "dose" JSONB,
ADD COLUMN     "effort" INTEGER,
ADD COLUMN     "holdTimes" JSONB,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'assessment',
ADD COLUMN     "repetitions" JSONB,
ADD COLUMN     "setNumber" INTEGER;
