"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Card, PageHeader } from "../../../_components/ui";
import { PatientForm, emptyPatient } from "../../../_components/patient-form";
import { useTRPC } from "../../../_lib/trpc";

export default function NewPatientPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const create = useMutation(trpc.patients.create.mutationOptions());
  return (
    <>
      <PageHeader title="New patient" />
      <Card>
        <PatientForm
          initial={emptyPatient}
          submitLabel="Create patient"
          busy={create.isPending}
          onCancel={() => router.back()}
          onSubmit={(values, fail) =>
            create.mutate(values, {
              onSuccess: (p) => {
                void qc.invalidateQueries({ queryKey: trpc.patients.list.pathKey() });
                router.push(`/patients/${p.id}`);
              },
              onError: fail,
            })
          }
        />
      </Card>
    </>
  );
}
