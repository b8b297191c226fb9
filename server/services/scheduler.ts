// The server's scheduled job (issue 19): every SCHEDULER_INTERVAL_S seconds it emails the home-exercise reminders that
// are due, appends `home.missed` events for finished days (the missed-sessions alert rule reads them) and retries
// failed mail. Every process may run it: each step is safe to run concurrently (reminders and mail are deduplicated by
// OutboxEmail.dedupeKey / a conditional claim; missed-session events have stable ids and append idempotently).
import type { Db } from "../db/client";
import type { Env } from "../env";
import { retryFailedMail } from "./mail";
import { appendMissedSessions, sendDueReminders } from "./programs";

export type TickResult = { reminders: number; skipped: number; missed: number; retried: number };

/** One run of the job at `now`. A failing step is logged and does not stop the others. */
export async function runScheduledJob(db: Db, env: Env, now: Date = new Date(), log: (m: string) => void = (m) => console.error(m)): Promise<TickResult> {
  const out: TickResult = { reminders: 0, skipped: 0, missed: 0, retried: 0 };
  try { const r = await sendDueReminders(db, env, now); out.reminders = r.sent; out.skipped = r.skipped; } catch (e) { log(`[scheduler] reminders failed: ${String(e)}`); }
  try { out.missed = await appendMissedSessions(db, now); } catch (e) { log(`[scheduler] missed sessions failed: ${String(e)}`); }
  try { out.retried = await retryFailedMail(db, env, { now }); } catch (e) { log(`[scheduler] mail retry failed: ${String(e)}`); }
  return out;
}

export const schedulerIntervalS = (env: Env) => env.SCHEDULER_INTERVAL_S ?? (env.NODE_ENV === "test" ? 0 : 60);

export type Scheduler = { runNow(now?: Date): Promise<TickResult>; stop(): Promise<void> };

/** Starts the job (nothing runs when the interval is 0, but runNow still works). Runs never overlap in one process. */
export function startScheduler(db: Db, env: Env, opts: { intervalS?: number; log?: (m: string) => void } = {}): Scheduler {
  const intervalS = opts.intervalS ?? schedulerIntervalS(env);
  let running: Promise<TickResult> | null = null;
  let stopped = false;
  const runNow = (now?: Date) => {
    if (running) return running;
    running = runScheduledJob(db, env, now ?? new Date(), opts.log).finally(() => { running = null; });
    return running;
  };
  const timer = intervalS > 0 ? setInterval(() => { if (!stopped && !running) void runNow(); }, intervalS * 1000) : null;
  timer?.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
