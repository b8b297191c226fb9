"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams, useRouter } from "next/navigation";
import { Alert, Card, PageHeader, PatientBanner, ReadOnlyNotice, Spinner } from "../../../../_components/ui";
import { PatientForm } from "../../../../_components/patient-form";
import { describeError, useMe, useTRPC } from "../../../../_lib/trpc";
import { formatName } from "../../../../_shared/format";

export default function EditPatientPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const { me } = useMe();
  const patient = useQuery(trpc.patients.get.queryOptions({ id }));
  const update = useMutation(trpc.patients.update.mutationOptions());
  if (patient.isLoading) return <Spinner />;
  if (patient.error) return <Alert>{describeError(patient.error).message}</Alert>;
  const p = patient.data!;
  if (me?.role === "CLINICIAN")
    return (
      <>
        <PageHeader title={formatName(p)} subtitle={<PatientBanner patient={p} />} />
        <ReadOnlyNotice what="change patient details" />
      </>
    );
  return (
    <>
      <PageHeader title={`Edit ${formatName(p)}`} subtitle={<PatientBanner patient={p} />} />
      <Card>
        <PatientForm
          initial={{
            firstName: p.firstName, lastName: p.lastName, dateOfBirth: p.dateOfBirth.toISOString().slice(0, 10),
            recordNumber: p.recordNumber ?? "", email: p.email ?? "", phone: p.phone ?? "", notes: p.notes,
          }}
          submitLabel="Save changes"
          busy={update.isPending}
          onCancel={() => router.back()}
          onSubmit={(data, fail) =>
            update.mutate({ id, data }, {
              onSuccess: () => {
                void qc.invalidateQueries({ queryKey: trpc.patients.pathKey() });
                router.push(`/patients/${id}`);
              },
              onError: fail,
            })
          }
        />
      </Card>
    </>
  );
}
