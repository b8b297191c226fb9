// In-process events from the services to whoever holds live connections (server/realtime/):
// "these sessions ended", "this patient link stopped working", "this visit is over", "this visit
// has a new therapist". Services publish after their database write has committed; the realtime
// layer closes the sockets that were opened with what just ended.
//
// The bus is an interface so that a shared transport (Redis pub/sub) can carry the same events to
// every server process later: events are plain JSON, and each process acts only on its own sockets.
// One process uses the in-memory bus below (the default).

export type SessionEndReason = "signout" | "revoked" | "password" | "disabled";

export type ServiceEvent =
  /** One staff session ended (sign-out, revoked from the account page). */
  | { type: "session.ended"; sessionId: string; reason: SessionEndReason }
  /** Every session of a user ended, except `keepSessionId` (password change keeps the current one). */
  | { type: "user.sessions.ended"; userId: string; keepSessionId: string | null; reason: SessionEndReason }
  /** The visit's patient link stopped working (revoked, or replaced by a new one). */
  | { type: "link.revoked"; visitId: string; clinicId: string; reason: "revoked" | "rotated" }
  /** The visit is over (ended) or will not happen (cancelled). */
  | { type: "visit.closed"; visitId: string; clinicId: string; status: "ENDED" | "CANCELLED"; startedAt: string | null; endedAt: string }
  /** Another staff member took the visit over (explicit hand-over). */
  | { type: "visit.reassigned"; visitId: string; clinicId: string; fromUserId: string; toUserId: string; toName: string }
  /** Alerts of an episode were opened, reopened or changed (server/services/alerts.ts); the clinic's dashboards show them live. */
  | { type: "alerts.changed"; clinicId: string; episodeId: string; patientId: string; therapistId: string; changed: AlertChange[] };

/** One alert as the live dashboard needs it (never the clinical detail beyond the title). */
export type AlertChange = { id: string; severity: "EMERGENCY" | "URGENT" | "REVIEW"; title: string; status: string; change: "opened" | "reopened" | "updated" | "superseded" };

export type ServiceEventHandler = (e: ServiceEvent) => void | Promise<void>;

export interface EventBus {
  /** Delivers `e` to every subscriber; never throws (a failing subscriber is logged). */
  publish(e: ServiceEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(fn: ServiceEventHandler): () => void;
}

/** One process: subscribers run in order and the publisher waits for them. */
export class MemoryEventBus implements EventBus {
  private handlers = new Set<ServiceEventHandler>();
  constructor(private log: (m: string) => void = (m) => console.warn(m)) {}

  async publish(e: ServiceEvent): Promise<void> {
    for (const h of [...this.handlers]) {
      try {
        await h(e);
      } catch (err) {
        this.log(`[events] ${e.type} handler failed: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
  }

  subscribe(fn: ServiceEventHandler): () => void {
    this.handlers.add(fn);
    return () => void this.handlers.delete(fn);
  }
}

let current: EventBus = new MemoryEventBus();

/** The process's bus (replace it once at start-up, before the server attaches, to use a shared one). */
export const eventBus = {
  get: (): EventBus => current,
  set: (b: EventBus): void => {
    current = b;
  },
};

export const publish = (e: ServiceEvent): Promise<void> => current.publish(e);
