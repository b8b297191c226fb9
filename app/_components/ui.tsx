"use client";
// Small shared UI kit (Tailwind). Fields always have a label and show their error below, linked by aria-describedby.
import Link from "next/link";
import { formatBirth, formatName } from "../_shared/format";
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

const cx = (...c: (string | false | null | undefined)[]) => c.filter(Boolean).join(" ");

type Variant = "primary" | "secondary" | "danger" | "ghost";
const variants: Record<Variant, string> = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/50",
  secondary: "bg-white text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/50",
  ghost: "text-slate-700 hover:bg-slate-100",
};

export function Button({ variant = "primary", busy, className, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean }) {
  return (
    <button
      type="button"
      {...rest}
      disabled={rest.disabled || busy}
      aria-busy={busy || undefined}
      className={cx("inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium shadow-sm transition disabled:cursor-not-allowed", variants[variant], className)}
    >
      {busy && <span className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />}
      {children}
    </button>
  );
}

export function ButtonLink({ href, variant = "primary", className, children }: { href: string; variant?: Variant; className?: string; children: ReactNode }) {
  return (
    <Link href={href} className={cx("inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium shadow-sm transition", variants[variant], className)}>
      {children}
    </Link>
  );
}

type FieldProps = { label: string; error?: string[] | string; hint?: string; className?: string };
function useFieldIds(error?: string[] | string, hint?: string) {
  const id = useId();
  const errId = `${id}-err`, hintId = `${id}-hint`;
  const msg = Array.isArray(error) ? error[0] : error;
  const describedBy = [msg ? errId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return { id, errId, hintId, msg, describedBy };
}
function FieldShell({ id, label, msg, errId, hint, hintId, className, children }: { id: string; label: string; msg?: string; errId: string; hint?: string; hintId: string; className?: string; children: ReactNode }) {
  return (
    <div className={cx("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-700">{label}</label>
      {children}
      {hint && !msg && <p id={hintId} className="text-xs text-slate-500">{hint}</p>}
      {msg && <p id={errId} className="text-xs font-medium text-red-700" role="alert">{msg}</p>}
    </div>
  );
}
const inputClass = (invalid: boolean) =>
  cx("rounded-md border bg-white px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2", invalid ? "border-red-500 focus:ring-red-300" : "border-slate-300 focus:ring-brand-100 focus:border-brand-500");

export function Field({ label, error, hint, className, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const f = useFieldIds(error, hint);
  return (
    <FieldShell {...f} label={label} hint={hint} className={className}>
      <input id={f.id} aria-invalid={!!f.msg || undefined} aria-describedby={f.describedBy} className={inputClass(!!f.msg)} {...input} />
    </FieldShell>
  );
}
export function TextArea({ label, error, hint, className, ...input }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const f = useFieldIds(error, hint);
  return (
    <FieldShell {...f} label={label} hint={hint} className={className}>
      <textarea id={f.id} aria-invalid={!!f.msg || undefined} aria-describedby={f.describedBy} className={inputClass(!!f.msg)} rows={3} {...input} />
    </FieldShell>
  );
}
export function Select({ label, error, hint, className, children, ...input }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const f = useFieldIds(error, hint);
  return (
    <FieldShell {...f} label={label} hint={hint} className={className}>
      <select id={f.id} aria-invalid={!!f.msg || undefined} aria-describedby={f.describedBy} className={cx(inputClass(!!f.msg), "w-full min-w-0 pr-8")} {...input}>{children}</select>
    </FieldShell>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={cx("rounded-lg border border-slate-200 bg-white shadow-sm", className)}>
      {(title || actions) && (
        <header className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
          {title && <h2 className="text-base font-semibold text-slate-800">{title}</h2>}
          {actions}
        </header>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-slate-600">{subtitle}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

const tones = { gray: "bg-slate-100 text-slate-700", green: "bg-emerald-100 text-emerald-800", amber: "bg-amber-100 text-amber-800", red: "bg-red-100 text-red-800", blue: "bg-sky-100 text-sky-800" };
export function Badge({ tone = "gray", children }: { tone?: keyof typeof tones; children: ReactNode }) {
  return <span className={cx("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium", tones[tone])}>{children}</span>;
}

export function Alert({ tone = "red", title, children }: { tone?: "red" | "amber" | "green" | "blue"; title?: string; children?: ReactNode }) {
  const c = { red: "border-red-200 bg-red-50 text-red-800", amber: "border-amber-200 bg-amber-50 text-amber-900", green: "border-emerald-200 bg-emerald-50 text-emerald-900", blue: "border-sky-200 bg-sky-50 text-sky-900" }[tone];
  return (
    <div role={tone === "red" ? "alert" : "status"} className={cx("rounded-md border px-4 py-3 text-sm", c)}>
      {title && <p className="font-semibold">{title}</p>}
      {children}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">{children}</p>;
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <p role="status" className="flex items-center gap-2 p-4 text-sm text-slate-500">
      <span className="size-4 animate-spin rounded-full border-2 border-slate-400 border-t-transparent" aria-hidden />
      {label}
    </p>
  );
}

export const visitStatusTone = { SCHEDULED: "blue", WAITING: "amber", IN_PROGRESS: "green", ENDED: "gray", CANCELLED: "red" } as const;

/** Who a clinical page is about: name, date of birth with age, record number. Every clinical page shows it. */
export function PatientBanner({ patient, className }: { patient: { firstName: string; lastName: string; dateOfBirth: Date | string; recordNumber?: string | null }; className?: string }) {
  return (
    <span className={cx("block text-sm text-slate-700", className)} data-testid="patient-banner">
      <span className="font-semibold text-slate-900">{formatName(patient)}</span>
      <span className="text-slate-600"> · {formatBirth(patient.dateOfBirth)}</span>
      {patient.recordNumber && <span className="text-slate-600"> · Record {patient.recordNumber}</span>}
    </span>
  );
}

/** Said before any input on a page (or in place of a control) that the signed-in role may not use. */
export function ReadOnlyNotice({ what, children }: { what: string; children?: ReactNode }) {
  return (
    <div role="status" data-testid="read-only-notice" className="rounded-md border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-900">
      <p className="font-semibold">Read-only access</p>
      <p>Your role (clinician, read-only) can view records but not {what}. {children ?? "Ask a therapist or an administrator of your clinic."}</p>
    </div>
  );
}
