import type { Metadata } from "next";
import { PatientQuestionnaires } from "../../_components/care/questionnaires/PatientQuestionnaires";

export const metadata: Metadata = { title: "Your questionnaires", referrer: "no-referrer" };

export default async function QuestionnairePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <PatientQuestionnaires token={token} />;
}
