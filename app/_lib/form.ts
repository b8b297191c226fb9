"use client";
import { useState, type ChangeEvent } from "react";
import { z } from "zod";
import { describeError, type FieldErrors } from "./trpc";

/**
 * Form state validated with the same zod schema the server uses. Field errors from the client check
 * and from the server (keyed by path, e.g. "data.firstName") land next to their fields.
 */
export function useZodForm<S extends z.ZodType<unknown, Record<string, unknown>>>(schema: S, initial: z.input<S>) {
  const [values, setValues] = useState<z.input<S>>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (name: keyof z.input<S> & string, value: unknown) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => (e[name] ? { ...e, [name]: undefined } : e));
  };
  const bind = (name: keyof z.input<S> & string) => ({
    name,
    value: String((values as Record<string, unknown>)[name] ?? ""),
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => set(name, e.target.value),
    error: errors[name],
  });
  /** Validates on the client (the form's values, or the given ones); returns true when they pass. */
  const check = (override?: unknown): boolean => {
    const r = schema.safeParse(override ?? values);
    if (r.success) {
      setErrors({});
      setFormError(null);
      return true;
    }
    const fe: FieldErrors = {};
    for (const i of r.error.issues) {
      const k = i.path.length ? String(i.path[i.path.length - 1]) : "";
      if (k) (fe[k] ??= []).push(i.message);
    }
    setErrors(fe);
    setFormError("Please correct the highlighted fields.");
    return false;
  };
  const fail = (e: unknown) => {
    const d = describeError(e);
    const fe: FieldErrors = {};
    for (const [k, v] of Object.entries(d.fields)) fe[k.split(".").pop()!] = v;
    setErrors(fe);
    setFormError(d.message);
  };
  return { values, setValues, set, bind, check, fail, errors, formError, setFormError, reset: () => setValues(initial) };
}
