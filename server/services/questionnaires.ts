// Outcome questionnaires of an episode (issue 17): the schedule of sets due, sending, answering, scoring. The
// definitions, scoring, MCIDs, licences and the default schedule are data in app/_shared/care/questionnaires.ts.
import { defaultSchedule } from "../../app/_shared/care/questionnaires";
import type { Db } from "../db/client";

/**
 * Writes the default schedule of a new episode (intake, every 2 weeks, discharge) as QuestionnaireDue rows. Called
 * once when an episode is created; does nothing when the episode already has a schedule. The instruments a clinic may
 * not use (licence, no wording supplied) stay in the row and are filtered when a set is sent or filled in.
 */
export async function scheduleDefaultQuestionnaires(db: Db, episode: { id: string; startDate: string; plannedWeeks: number }): Promise<number> {
  if (await db.questionnaireDue.count({ where: { episodeId: episode.id } })) return 0;
  const occasions = defaultSchedule({ startDate: episode.startDate, plannedWeeks: episode.plannedWeeks });
  for (const o of occasions) await db.questionnaireDue.create({ data: { episodeId: episode.id, label: o.kind, dueDate: o.due, instruments: o.instruments } });
  return occasions.length;
}
