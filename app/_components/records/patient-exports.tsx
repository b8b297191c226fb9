"use client";
// Patient-level exports: CSV (one row per trial with its summary) and the FHIR R4 record (Bundle).
import { useState } from "react";
import { Button } from "../ui";
import { downloadText } from "../../_lib/trial-export";
import { describeError, useTRPCClient } from "../../_lib/trpc";

export function PatientExports({ patientId }: { patientId: string }) {
  const client = useTRPCClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: "csv" | "fhir") => {
    setBusy(what); setError(null);
    try {
      if (what === "csv") { const r = await client.records.patientCsv.query({ patientId }); downloadText(r.filename, r.csv); }
      else { const r = await client.records.patientFhir.query({ patientId }); downloadText(r.filename, r.json, "application/fhir+json"); }
    } catch (e) { setError(describeError(e).message); }
    finally { setBusy(null); }
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" busy={busy === "csv"} onClick={() => void run("csv")}>Trials CSV</Button>
      <Button variant="secondary" busy={busy === "fhir"} onClick={() => void run("fhir")}>FHIR record</Button>
      {error && <span role="alert" className="text-sm text-red-700">{error}</span>}
    </div>
  );
}
