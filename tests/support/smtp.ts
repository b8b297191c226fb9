// A real SMTP server on loopback for the tests (smtp-server), with every received message parsed (mailparser).
// Point the app at it with SMTP_URL=smtp://127.0.0.1:<port> and read what a patient or therapist would receive.
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; subject: string; text: string; html: string | null; messageId: string | null; at: number };

export type TestSmtp = {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** resolves with the first message (already received or arriving) that matches, or rejects after timeoutMs */
  waitFor(match: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** the next N refusals of a message make the server answer 451 (a temporary failure), to test retries */
  failNext(n: number): void;
  stop(): Promise<void>;
};

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 1_000_000,
    onData(stream, session, cb) {
      if (failures > 0) {
        failures--;
        stream.resume();
        stream.on("end", () => cb(Object.assign(new Error("Temporary failure (test)"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((m) => {
          messages.push({
            from: m.from?.text ?? "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: m.subject ?? "",
            text: m.text ?? "",
            html: typeof m.html === "string" ? m.html : null,
            messageId: m.messageId ?? null,
            at: Date.now(),
          });
          for (const w of [...waiters]) w();
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.server.address() as { port: number }).port));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    failNext(n) {
      failures = n;
    },
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = messages.find(match);
          if (!m) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No matching email within ${timeoutMs} ms (received: ${messages.map((x) => `${x.to.join(",")}: ${x.subject}`).join(" | ") || "none"})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
