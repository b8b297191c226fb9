/*
  Warnings:

  - A unique constraint covering the columns `[clientId]` on the table `AssessmentTrial` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "AssessmentTrial" ADD COLUMN "clientId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AssessmentTrial_clientId_key" ON "AssessmentTrial"("clientId");
