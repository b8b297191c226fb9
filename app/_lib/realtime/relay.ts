// Reliable feature relay over the visit socket (isomorphic). The sender numbers messages per
// namespace and keeps them until the receiver acknowledges; after a reconnect of either side, or a
// new receiver instance, the unacknowledged ones are sent again. The receiver drops duplicates.
import type { C2SPayload, S2CEvents } from "../../_shared/protocol";

type RelayIn = Parameters<S2CEvents["relay"]>[0];
export type RelayTransport = {
  /** Sends one message; resolves false when it was not delivered (peer absent, offline). */
  send(m: C2SPayload<"relay">): Promise<boolean>;
  ack(m: C2SPayload<"relay:ack">): void;
};

export class RelayOutbox {
  private seq = new Map<string, number>();
  private pending = new Map<string, { seq: number; data: unknown }[]>();
  dropped = 0;

  constructor(private t: RelayTransport, private max = 2_000) {}

  send(ns: string, data: unknown): number {
    const seq = this.seq.get(ns) ?? 0;
    this.seq.set(ns, seq + 1);
    const q = this.pending.get(ns) ?? [];
    q.push({ seq, data });
    if (q.length > this.max) {
      q.splice(0, q.length - this.max);
      this.dropped++;
    }
    this.pending.set(ns, q);
    void this.t.send({ ns, seq, data });
    return seq;
  }

  onAck(ns: string, upTo: number) {
    const q = this.pending.get(ns);
    if (!q) return;
    while (q.length && q[0]!.seq <= upTo) q.shift();
  }

  /** Sends every unacknowledged message again, in order (after a reconnect or a new receiver). */
  async resend() {
    for (const [ns, q] of this.pending) for (const m of [...q]) if (!(await this.t.send({ ns, seq: m.seq, data: m.data }))) return;
  }

  unacked(): number {
    let n = 0;
    for (const q of this.pending.values()) n += q.length;
    return n;
  }
}

export class RelayInbox {
  private last = new Map<string, number>();
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private dirty = new Map<string, { ns: string; sender: string }>();

  constructor(private t: RelayTransport, private deliver: (m: RelayIn) => void, private ackEveryMs = 200) {}

  receive(m: RelayIn) {
    const key = `${m.from}|${m.ns}`;
    const last = this.last.get(key) ?? -1;
    if (m.seq > last) {
      this.last.set(key, m.seq);
      this.deliver(m);
    }
    this.dirty.set(key, { ns: m.ns, sender: m.from });
    this.ackTimer ??= setTimeout(() => this.flush(), this.ackEveryMs);
  }

  flush() {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    for (const [key, d] of this.dirty) this.t.ack({ ns: d.ns, sender: d.sender, upTo: this.last.get(key) ?? -1 });
    this.dirty.clear();
  }
}
