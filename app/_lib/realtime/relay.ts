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
  private pending = new Map<string, { seq: number; data: unknown; sentAt: number }[]>();
  /** Consecutive retransmissions without an acknowledgement (see retransmit). */
  private backoff = 0;
  dropped = 0;

  constructor(private t: RelayTransport, private max = 2_000) {}

  send(ns: string, data: unknown): number {
    const seq = this.seq.get(ns) ?? 0;
    this.seq.set(ns, seq + 1);
    const q = this.pending.get(ns) ?? [];
    q.push({ seq, data, sentAt: Date.now() });
    if (q.length > this.max) {
      q.splice(0, q.length - this.max);
      this.dropped++;
    }
    this.pending.set(ns, q);
    void this.t.send({ ns, seq, base: q[0]!.seq, data });
    return seq;
  }

  onAck(ns: string, upTo: number) {
    const q = this.pending.get(ns);
    if (!q) return;
    const before = q.length;
    while (q.length && q[0]!.seq <= upTo) q.shift();
    if (q.length < before) this.backoff = 0;
  }

  /** Sends every unacknowledged message again, in order (after a reconnect or a new receiver). */
  async resend(resetBackoff = true) {
    if (resetBackoff) this.backoff = 0;
    const now = Date.now();
    for (const [ns, q] of this.pending)
      for (const m of [...q]) {
        m.sentAt = now;
        if (!(await this.t.send({ ns, seq: m.seq, base: q[0]?.seq ?? m.seq, data: m.data }))) return;
      }
  }

  /**
   * Go-back-N: when the oldest message has waited for its ack, send everything again. The wait starts at `afterMs` and
   * doubles with every retransmission that brought no acknowledgement (up to `maxMs`), so an overloaded server or
   * receiver is not handed the whole backlog again every second, which multiplied the load past saturation. Any ack
   * that moves the window forward, and any explicit resend (reconnect, new receiver), resets it.
   */
  retransmit(afterMs = 1_000, maxMs = 8_000) {
    const now = Date.now();
    const wait = Math.min(maxMs, afterMs * 2 ** this.backoff);
    for (const q of this.pending.values())
      if (q.length && q[0]!.sentAt < now - wait) {
        this.backoff = Math.min(this.backoff + 1, 16);
        void this.resend(false);
        return true;
      }
    return false;
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
    // A fresh receiver starts at the sender's oldest unacknowledged message; after that only the
    // next seq is accepted (duplicates and messages after a gap are dropped and come again).
    const last = this.last.get(key) ?? (m.base ?? m.seq) - 1;
    if (m.seq === last + 1) {
      this.last.set(key, m.seq);
      this.deliver(m);
    } else if (!this.last.has(key)) this.last.set(key, last);
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
