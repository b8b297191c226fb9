// Typed Socket.IO client for the live visit (browser and Node: the tests and the benchmark use it too).
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import {
  PROTOCOL_VERSION,
  SOCKET_PATH,
  protocolError,
  type Ack,
  type C2SEvent,
  type C2SEvents,
  type C2SPayload,
  type C2SResult,
  type ErrorCode,
  type HandshakeErrorData,
  type S2CEvents,
} from "../../_shared/protocol";

export type VisitSocket = Socket<S2CEvents, C2SEvents>;

/** Handshake errors after which retrying cannot help (the page must show why). */
export const FATAL_HANDSHAKE: ReadonlySet<ErrorCode> = new Set([
  "JOIN_UNKNOWN", "JOIN_EXPIRED", "JOIN_REVOKED", "JOIN_CANCELLED", "JOIN_ENDED", "NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED", "PROTOCOL_VERSION", "BAD_REQUEST", "NOT_ASSIGNED",
]);

export function openSocket(
  auth: Record<string, unknown>,
  opts: { url?: string; extraHeaders?: Record<string, string> } & Partial<ManagerOptions & SocketOptions> = {},
): VisitSocket {
  const { url, ...rest } = opts;
  const o: Partial<ManagerOptions & SocketOptions> = {
    path: SOCKET_PATH,
    // WebSocket only: no long-polling, so several server processes need no sticky sessions.
    transports: ["websocket"],
    auth: { v: PROTOCOL_VERSION, ...auth },
    reconnection: true,
    reconnectionDelay: 300,
    reconnectionDelayMax: 2_000,
    randomizationFactor: 0.3,
    timeout: 8_000,
    ...rest,
  };
  return (url ? io(url, o) : io(o)) as VisitSocket;
}

export function handshakeError(e: Error): HandshakeErrorData | null {
  const d = (e as Error & { data?: HandshakeErrorData }).data;
  return d && typeof d.code === "string" ? d : null;
}

/** Emits with an acknowledgement; resolves with an error result on timeout instead of throwing. */
export function emitAck<E extends C2SEvent>(socket: VisitSocket, event: E, payload: C2SPayload<E>, timeoutMs = 8_000): Promise<Ack<C2SResult[E]>> {
  return new Promise((resolve) => {
    const s = socket.timeout(timeoutMs) as unknown as { emit: (e: string, p: unknown, cb: (err: Error | null, r: Ack<C2SResult[E]>) => void) => void };
    s.emit(event, payload, (err, r) => resolve(err ? (protocolError("INTERNAL", "No answer from the server") as Ack<C2SResult[E]>) : r));
  });
}
