"use client";
// The therapist's view of home practice (issue 19 part B): this week's adherence per programme and the home
// sessions, newest first, each with the patient's report (pain before/after, effort, how it went, note), its
// self-reported exercises and its camera-counted sets, which open like any set (/sets/[id], app/_components/review).
import { useQuery } from "@tanstack/react-query";
import { describeError, useTRPC, type RouterOutputs } from "../../_lib/trpc";
import { useFormat } from "../../_lib/clinic";
import { getExercise } from "../../_shared/exercises/catalogue";
import { ExerciseSetList } from "../review/set-bits";
import { Alert, Badge, Spinner } from "../ui";

type Data = RouterOutputs["home"]["sessions"];
const HOW: Record<string, string> = { EASY: "easy", OK: "about right", HARD: "hard", STOPPED: "had to stop" };

export function HomeSessions({ patientId, episodeId }: { patientId?: string; episodeId?: string }) {
  const trpc = useTRPC();
  const input = episodeId ? { episodeId } : { patientId: patientId! };
  const q = useQuery(trpc.home.sessions.queryOptions(input, { refetchInterval: 15_000 }));
  const f = useFormat();
  if (q.isLoading) return <Spinner />;
  if (q.error) return <Alert title="Cannot show home practice">{describeError(q.error).message}</Alert>;
  const d: Data = q.data!;
  if (!d.programs.length && !d.sessions.length) return <p className="text-sm text-slate-500">No home programme yet.</p>;
  return (
    <div className="space-y-3" data-testid="home-sessions">
      {d.programs.map((p) => {
        const week = p.weeks.find((w) => w.from <= p.today && p.today <= w.to);
        return (
          <div key={p.programId} className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="home-adherence-staff">
            {week && <span>Week {week.week}: <b>{week.doneSessions}</b> of {week.plannedSessions} session{week.plannedSessions === 1 ? "" : "s"} so far{week.repsPercent !== null ? ` · ${week.repsPercent}% of repetitions` : ""}</span>}
            <span>Overall {p.sessionsPercent === null ? "—" : `${p.sessionsPercent}%`} of sessions</span>
            {p.currentStreak > 0 && <span>{p.currentStreak} planned day{p.currentStreak === 1 ? "" : "s"} in a row done</span>}
            {p.missedDays > 0 && <span className="text-slate-600">{p.missedDays} planned day{p.missedDays === 1 ? "" : "s"} without a session</span>}
          </div>
        );
      })}
      {d.sessions.length === 0 ? <p className="text-sm text-slate-500">No home sessions yet.</p> : (
        <ul className="divide-y divide-slate-100" data-testid="home-session-list">
          {d.sessions.slice(0, 20).map((s) => {
            const self = (Array.isArray(s.selfReport) ? s.selfReport : []) as { exerciseKey: string; sets: number; reps: number | null; holdS: number | null }[];
            const faults = s.recordings.reduce((n, r) => n + r.faults, 0);
            return (
              <li key={s.id} className="py-2 text-sm" data-testid="home-session-row">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{f.dateTime(s.startedAt)}</span>
                  <Badge tone={s.status === "COMPLETED" ? "green" : "gray"}>{s.status === "COMPLETED" ? "completed" : "in progress"}</Badge>
                  {s.painBefore !== null && <Badge tone="gray">pain before {s.painBefore}</Badge>}
                  {s.painAfter !== null && <Badge tone={s.painAfter >= 7 ? "red" : "amber"}>pain after {s.painAfter}</Badge>}
                  {s.effort !== null && <Badge tone="gray">effort {s.effort}</Badge>}
                  {s.howItWent && <span className="text-slate-600">{HOW[s.howItWent] ?? s.howItWent}</span>}
                  {faults > 0 && <span className="text-red-700">{faults} form fault{faults === 1 ? "" : "s"}</span>}
                </div>
                {s.note && <p className="mt-0.5 whitespace-pre-wrap text-slate-700">“{s.note}”</p>}
                {self.length > 0 && (
                  <p className="mt-0.5 text-slate-700">Self-reported: {self.map((x) => `${getExercise(x.exerciseKey)?.title ?? x.exerciseKey} ${x.sets} set${x.sets === 1 ? "" : "s"}${x.reps !== null ? ` × ${x.reps}` : ""}${x.holdS !== null ? ` (${x.holdS} s)` : ""}`).join("; ")}</p>
                )}
                {s.recordings.length > 0 && <div className="mt-1 pl-3"><ExerciseSetList sets={s.recordings} /></div>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
