"use client";
import { patientInput, type PatientInput } from "../_shared/domain";
import { useZodForm } from "../_lib/form";
import { Alert, Button, Field, TextArea } from "./ui";

export const emptyPatient: PatientInput = { firstName: "", lastName: "", dateOfBirth: "", recordNumber: "", email: "", phone: "", notes: "" };

export function PatientForm({ initial, submitLabel, busy, onSubmit, onCancel }: {
  initial: PatientInput;
  submitLabel: string;
  busy: boolean;
  onSubmit: (values: PatientInput, fail: (e: unknown) => void) => void;
  onCancel?: () => void;
}) {
  const form = useZodForm(patientInput, initial);
  return (
    <form
      noValidate
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (form.check()) onSubmit(form.values, form.fail);
      }}
    >
      {form.formError && <div className="sm:col-span-2"><Alert>{form.formError}</Alert></div>}
      <Field label="First name" autoComplete="off" {...form.bind("firstName")} />
      <Field label="Last name" autoComplete="off" {...form.bind("lastName")} />
      <Field label="Date of birth" type="date" min="1900-01-01" max={new Date().toISOString().slice(0, 10)} {...form.bind("dateOfBirth")} />
      <Field label="Record number (optional)" {...form.bind("recordNumber")} hint="Your clinic's own chart number" />
      <Field label="Email (optional)" type="email" {...form.bind("email")} />
      <Field label="Phone (optional)" type="tel" {...form.bind("phone")} />
      <TextArea label="Notes" className="sm:col-span-2" {...form.bind("notes")} />
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" busy={busy}>{submitLabel}</Button>
        {onCancel && <Button variant="secondary" onClick={onCancel}>Cancel</Button>}
      </div>
    </form>
  );
}
