"use client";
import { ClinicQuestionnaireSettings } from "../../_components/care/questionnaires/ClinicSettings";
import { Card, PageHeader } from "../../_components/ui";

export default function QuestionnaireSettingsPage() {
  return (
    <>
      <PageHeader title="Outcome questionnaires" subtitle="Which questionnaires your clinic sends, their licences, and the licensed wording your clinic supplies. Scores, missing-item rules and MCIDs come with each questionnaire's definition." />
      <Card><ClinicQuestionnaireSettings /></Card>
    </>
  );
}
