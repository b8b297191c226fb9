// The one place that turns dates, times and names into text. Every page (staff and patient), the
// report and the server's console use it, so "Thu, Dec 3, 2026, 8:00 PM" means the same thing
// everywhere. Times are shown in the clinic's time zone (Clinic.timezone), whatever the viewer's
// computer is set to; dates of birth are calendar dates (stored as UTC midnight) and never shift.
// Isomorphic: Intl only, no browser or Node API.

/** One locale for the whole product: the same text on the server, in every browser and in print. */
export const LOCALE = "en-US";

export type Instant = Date | string | number;
const toDate = (d: Instant) => (d instanceof Date ? d : new Date(d));

/** A valid IANA zone name, else "UTC" (a bad value in the database must not break every page). */
export function safeTimeZone(tz: string | null | undefined): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(kind: "dateTime" | "date" | "time" | "weekdayDate" | "zone", timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === "dateTime" ? { weekday: "short", month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit" }
      : kind === "date" ? { month: "short", day: "numeric", year: "numeric" }
      : kind === "weekdayDate" ? { weekday: "long", month: "long", day: "numeric", year: "numeric" }
      : kind === "time" ? { hour: "numeric", minute: "2-digit" }
      : { timeZoneName: "short" };
    f = new Intl.DateTimeFormat(LOCALE, { ...opts, timeZone: safeTimeZone(timeZone) });
    cache.set(key, f);
  }
  return f;
}

/** "Thu, Dec 3, 2026, 8:00 PM": a moment, in the clinic's zone. */
export const formatDateTime = (d: Instant, timeZone: string) => fmt("dateTime", timeZone).format(toDate(d));
/** "Dec 3, 2026": the day a moment falls on in the clinic's zone. */
export const formatDay = (d: Instant, timeZone: string) => fmt("date", timeZone).format(toDate(d));
/** "Thursday, December 3, 2026": a page's heading date. */
export const formatLongDay = (d: Instant, timeZone: string) => fmt("weekdayDate", timeZone).format(toDate(d));
/** "8:00 PM". */
export const formatTime = (d: Instant, timeZone: string) => fmt("time", timeZone).format(toDate(d));
/** "UTC", "EST", "GMT+1": the short name of the zone at that moment (to label the times of a page). */
export function zoneName(timeZone: string, at: Instant = Date.now()): string {
  return fmt("zone", timeZone).formatToParts(toDate(at)).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
}
/** "Mar 12, 1984": a calendar date (date of birth), the same in every zone. */
export const formatCalendarDate = (d: Instant) => fmt("date", "UTC").format(toDate(d));

/** Whole years between a date of birth and now (or `at`). */
export function ageFrom(dob: Instant, at: Instant = Date.now()): number {
  const b = toDate(dob), n = toDate(at);
  let a = n.getUTCFullYear() - b.getUTCFullYear();
  if (n.getUTCMonth() < b.getUTCMonth() || (n.getUTCMonth() === b.getUTCMonth() && n.getUTCDate() < b.getUTCDate())) a--;
  return a;
}

/** "born Mar 12, 1984 (42 y)". */
export const formatBirth = (dob: Instant, at: Instant = Date.now()) => `born ${formatCalendarDate(dob)} (${ageFrom(dob, at)} y)`;

/** "Jordan Rivera": the one way a person's name is written. */
export function formatName(p: { firstName: string; lastName: string }): string {
  return `${p.firstName} ${p.lastName}`.trim();
}

const rtf = new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" });
/** "just now", "5 minutes ago", "yesterday", "in 2 hours": how long ago, in words. */
export function formatRelative(d: Instant, now: Instant = Date.now()): string {
  const s = (toDate(d).getTime() - toDate(now).getTime()) / 1000;
  const a = Math.abs(s);
  if (a < 45) return "just now";
  if (a < 45 * 60) return rtf.format(Math.round(s / 60), "minute");
  if (a < 22 * 3600) return rtf.format(Math.round(s / 3600), "hour");
  if (a < 26 * 86400) return rtf.format(Math.round(s / 86400), "day");
  if (a < 320 * 86400) return rtf.format(Math.round(s / (30 * 86400)), "month");
  return rtf.format(Math.round(s / (365 * 86400)), "year");
}

/** "1.4 s", "2 min 5 s": a short duration from milliseconds. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000), s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** The offset of a moment into a recording: "0:03.2". */
export function formatOffset(ms: number): string {
  const t = Math.max(0, ms) / 1000;
  const m = Math.floor(t / 60);
  return `${m}:${(t - m * 60).toFixed(1).padStart(4, "0")}`;
}

/** The local wall-clock parts of a moment in a zone (for the day boundaries of a dashboard). */
export function zonedParts(d: Instant, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: safeTimeZone(timeZone), year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23",
  }).formatToParts(toDate(d));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

/** The instant at which a wall-clock time happens in a zone (handles DST by one correction step). */
export function zonedInstant(p: { year: number; month: number; day: number; hour?: number; minute?: number }, timeZone: string): Date {
  const guess = Date.UTC(p.year, p.month - 1, p.day, p.hour ?? 0, p.minute ?? 0);
  const offset = (at: number) => {
    const z = zonedParts(at, timeZone);
    return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute) - at;
  };
  const first = guess - offset(guess);
  return new Date(guess - offset(first));
}

/** Midnight to midnight of the clinic's day `offsetDays` from today. */
export function clinicDay(timeZone: string, offsetDays = 0, now: Instant = Date.now()): { from: Date; to: Date } {
  const z = zonedParts(now, timeZone);
  const base = new Date(Date.UTC(z.year, z.month - 1, z.day + offsetDays));
  const next = new Date(Date.UTC(z.year, z.month - 1, z.day + offsetDays + 1));
  return {
    from: zonedInstant({ year: base.getUTCFullYear(), month: base.getUTCMonth() + 1, day: base.getUTCDate() }, timeZone),
    to: zonedInstant({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, timeZone),
  };
}

/** The hour of the day at the clinic (for "Good morning"). */
export const clinicHour = (timeZone: string, now: Instant = Date.now()) => zonedParts(now, timeZone).hour;

/** "2026-12-03T20:00" for <input type="datetime-local">, read as the clinic's wall clock. */
export function toZonedInputValue(d: Instant, timeZone: string): string {
  const z = zonedParts(d, timeZone);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${z.year}-${p(z.month)}-${p(z.day)}T${p(z.hour)}:${p(z.minute)}`;
}
/** The instant a datetime-local value means at the clinic; null when it is not a complete value. */
export function fromZonedInputValue(v: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v);
  if (!m) return null;
  return zonedInstant({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]! }, timeZone);
}

/** The formatters bound to one clinic's zone: what a page holds (see useFormat in app/_lib/clinic.ts). */
export function formatterFor(timeZone: string) {
  const tz = safeTimeZone(timeZone);
  return {
    timeZone: tz,
    dateTime: (d: Instant) => formatDateTime(d, tz),
    day: (d: Instant) => formatDay(d, tz),
    longDay: (d: Instant) => formatLongDay(d, tz),
    time: (d: Instant) => formatTime(d, tz),
    zone: (at?: Instant) => zoneName(tz, at),
    birth: formatBirth,
    calendarDate: formatCalendarDate,
    relative: formatRelative,
    name: formatName,
  };
}
export type Formatter = ReturnType<typeof formatterFor>;
