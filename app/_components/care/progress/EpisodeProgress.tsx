"use client";
// The progress view of an episode on one screen: a dated chart per measure (questionnaire scores with their MCID
// lines, movement per protocol, visit markers), and the discharge summary beside it (baseline vs now for every
// measure, clinically important changes marked, PDF).
import type { Measure } from "../../../_shared/care/outcomes";
import { useFormat } from "../../../_lib/clinic";
import { useTRPCClient } from "../../../_lib/trpc";
import { PdfButton } from "../../records/visit-note";
import { Badge, Card, Empty } from "../../ui";
import { MeasureChart } from "./MeasureChart";

const n1 = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function VerdictBadge({ m }: { m: Measure }) {
  if (!m.change) return <Badge>one result</Badge>;
  if (m.kind === "rom") return m.beyondError ? <Badge tone={m.change.direction === "improved" ? "green" : "red"}>beyond error</Badge> : <Badge>within error</Badge>;
  if (m.important === null) return <Badge>no MCID</Badge>;
  if (!m.important) return <Badge>not important</Badge>;
  return <Badge tone={m.change.direction === "improved" ? "green" : "red"}>{m.change.direction === "improved" ? "important improvement" : "important worsening"}</Badge>;
}

export function DischargePdfButton({ episodeId }: { episodeId: string }) {
  const client = useTRPCClient();
  return <PdfButton label="Summary PDF" load={() => client.questionnaires.dischargePdf.query({ episodeId })} />;
}

export function ProgressCharts({ measures, visits }: { measures: Measure[]; visits: { id: string; at: Date | string }[] }) {
  const f = useFormat();
  const shown = measures.filter((m) => m.series.length);
  if (!shown.length) return <Empty>No questionnaire scores or movement results in this episode yet.</Empty>;
  const times = [...shown.flatMap((m) => m.series.map((p) => Date.parse(p.at))), ...visits.map((v) => new Date(v.at).getTime())];
  const domain: [number, number] = [Math.min(...times), Math.max(...times)];
  return (
    <div className="grid grid-cols-2 gap-3 xl:grid-cols-3" data-testid="progress-charts">
      {shown.map((m) => (
        <section key={m.key} className="rounded-md border border-slate-200 p-2" aria-label={m.title}>
          <header className="flex items-baseline justify-between gap-2">
            <h3 className="truncate text-sm font-semibold" title={m.title}>{m.short}</h3>
            <VerdictBadge m={m} />
          </header>
          <div className="h-32"><MeasureChart m={m} f={f} domain={domain} visits={visits} /></div>
          <p className="truncate text-[11px] text-slate-500" title={m.thresholdText ?? ""}>{m.thresholdText ?? "No MCID: change shown without a verdict"}{m.higherIsBetter ? " · higher is better" : " · lower is better"}</p>
        </section>
      ))}
    </div>
  );
}

export function DischargeSummary({ measures }: { measures: Measure[] }) {
  const f = useFormat();
  if (!measures.length) return <Empty>Nothing measured yet.</Empty>;
  return (
    <table className="w-full table-fixed text-sm" data-testid="discharge-summary">
      <colgroup><col className="w-[22%]" /><col className="w-[25%]" /><col className="w-[25%]" /><col className="w-[28%]" /></colgroup>
      <thead className="text-xs uppercase text-slate-500">
        <tr><th className="py-1 text-left font-medium">Measure</th><th className="text-left font-medium">Baseline</th><th className="text-left font-medium">Now</th><th className="text-left font-medium">Change</th></tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {measures.map((m) => (
          <tr key={m.key} data-testid={`summary-${m.key}`} className={m.important || m.beyondError ? "font-medium" : ""} title={m.verdict}>
            <td className="truncate py-1.5" title={m.title}>{m.short}</td>
            <td>{m.baseline ? <>{n1(m.baseline.value)}<span className="text-xs text-slate-500">{m.unit}</span><span className="block text-[11px] text-slate-500">{f.day(m.baseline.at)}</span></> : "—"}</td>
            <td>{m.latest && m.series.length > 1 ? <>{n1(m.latest.value)}<span className="text-xs text-slate-500">{m.unit}</span><span className="block text-[11px] text-slate-500">{f.day(m.latest.at)}</span></> : "—"}</td>
            <td>{m.change && <span className="block tabular-nums">{m.change.delta > 0 ? "+" : ""}{n1(m.change.delta)}</span>}<VerdictBadge m={m} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EpisodeProgressCards({ episodeId, measures, visits }: { episodeId: string; measures: Measure[]; visits: { id: string; at: Date | string }[] }) {
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <Card title="Progress over the episode"><ProgressCharts measures={measures} visits={visits} /></Card>
      <Card title="Baseline vs now" actions={<DischargePdfButton episodeId={episodeId} />}><DischargeSummary measures={measures} /></Card>
    </div>
  );
}
