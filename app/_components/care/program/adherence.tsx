"use client";
// Adherence of the home program for the therapist: per week sessions and repetitions done vs prescribed (bars), form
// quality (share of counted repetitions without a fault, line), and the facts behind them. recharts renders SVG.
import { useQuery } from "@tanstack/react-query";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "../../../_lib/trpc";
import { useFormat } from "../../../_lib/clinic";
import { Empty, Spinner } from "../../ui";

export function AdherenceView({ programId }: { programId: string }) {
  const trpc = useTRPC();
  const f = useFormat();
  const q = useQuery(trpc.programs.adherence.queryOptions({ programId }, { refetchInterval: 30_000 }));
  if (q.isLoading) return <Spinner />;
  if (!q.data) return <Empty>No adherence yet.</Empty>;
  const { adherence: a, form, pain } = q.data;
  const data = a.weeks.map((w) => ({
    week: `Wk ${w.week}`,
    sessions: w.sessionsPercent, reps: w.repsPercent,
    quality: form.find((x) => x.week === w.week)?.cleanPercent ?? null,
    label: `${w.doneSessions}/${w.plannedSessions} sessions, ${w.doneReps}/${w.plannedReps} reps`,
  }));
  const lastPain = pain.at(-1);
  return (
    <div className="flex flex-col gap-2" data-testid="adherence-view">
      <dl className="grid grid-cols-4 gap-2 text-center">
        {[
          ["Sessions", a.sessionsPercent === null ? "–" : `${a.sessionsPercent}%`],
          ["Repetitions", a.repsPercent === null ? "–" : `${a.repsPercent}%`],
          ["Streak", `${a.currentStreak} ${a.currentStreak === 1 ? "day" : "days"}`],
          ["Missed in a row", `${a.missedSessionsInARow}`],
        ].map(([k, v]) => (
          <div key={k} className="rounded-md bg-slate-50 px-2 py-1.5 ring-1 ring-slate-200">
            <dt className="text-[11px] text-slate-500">{k}</dt>
            <dd className="text-base font-semibold text-slate-900" data-testid={`adherence-${String(k).toLowerCase().replace(/ /g, "-")}`}>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="h-44" aria-label="Adherence per week">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: -18 }} accessibilityLayer={false}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="week" tick={{ fontSize: 11, fill: "#475569" }} />
            <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: "#475569" }} />
            <Tooltip formatter={(v) => (v === null || v === undefined ? "–" : `${v}%`)} labelFormatter={(l, p) => `${l}: ${(p?.[0]?.payload as { label?: string } | undefined)?.label ?? ""}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar dataKey="sessions" name="Sessions done" fill="#2563eb" isAnimationActive={false} />
            <Bar dataKey="reps" name="Repetitions done" fill="#93c5fd" isAnimationActive={false} />
            <Line dataKey="quality" name="Form: reps without a fault" stroke="#16a34a" strokeWidth={2} connectNulls isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="text-xs text-slate-600">
        {q.data.sessions} home {q.data.sessions === 1 ? "session" : "sessions"} done
        {a.missedDays.length ? ` · missed days: ${a.missedDays.slice(-4).map((d) => f.calendarDate(d)).join(", ")}${a.missedDays.length > 4 ? ` and ${a.missedDays.length - 4} more` : ""}` : " · no missed days"}
        {lastPain ? ` · last pain ${lastPain.before ?? "–"} before / ${lastPain.after ?? "–"} after (${f.calendarDate(lastPain.localDate)})` : ""}
        {` · days in ${a.timeZone}`}
      </p>
    </div>
  );
}

/** The episode's home-practice adherence for its progress view: the active (or latest) program's weekly chart. */
export function EpisodeAdherence({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.programs.forEpisode.queryOptions({ episodeId }));
  if (q.isLoading) return <Spinner />;
  const program = q.data?.active ?? q.data?.versions?.[0] ?? null;
  if (!program) return <Empty>No home program in this episode yet.</Empty>;
  return <AdherenceView programId={program.id} />;
}
