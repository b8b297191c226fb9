import type { Db } from "../db/client";
import type { Env } from "../env";
import type { Actor } from "./audit";
import type { SessionUser } from "./auth";

/** What every service call knows about who is asking. */
export type Caller = { db: Db; env: Env; user: SessionUser; ip: string };

export const actorOf = (c: Caller): Actor => ({ kind: "user", id: c.user.id, email: c.user.email, clinicId: c.user.clinicId });
