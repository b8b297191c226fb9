"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Card, PageHeader, ReadOnlyNotice, Spinner } from "../../../_components/ui";
import { PatientForm, emptyPatient } from "../../../_components/patient-form";
import { useMe, useTRPC } from "../../../_lib/trpc";

export default function NewPatientPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const { me } = useMe();
  const create = useMutation(trpc.patients.create.mutationOptions());
  if (!me) return <Spinner />;
  if (me.role === "CLINICIAN")
    return (
      <>
        <PageHeader title="New patient" />
        <ReadOnlyNotice what="add patients" />
      </>
    );
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
