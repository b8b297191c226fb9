// Live-visit signalling protocol, shared by the browser and the server (isomorphic: zod only).
//
// Transport: Socket.IO under /socket.io, one room per visit ("visit:<id>") and one per clinic
// ("clinic:<id>", dashboard updates). Authentication happens in the handshake (`auth` below):
// staff by their session cookie, patients by their join token. Every client→server event carries
// an acknowledgement callback and gets `{ ok: true, ... }` or `{ ok: false, code, message }`.
// Every payload is validated here on the server; an invalid, oversized or unknown event gets an
// error acknowledgement (or a `server:error` event when no callback was given).
//
// Adding an event: add its schema to C2S_SCHEMAS (and the result type to C2SResult) or to the
// server→client list, bump PROTOCOL_VERSION only for incompatible changes. Feature data between the
// two participants (pose angles, landmarks, …) goes through the generic `relay` event with a
// namespace, a per-namespace sequence number and end-to-end acknowledgements (see relayMsg).
import { z } from "zod";
import { DoseSchema } from "./exercises/spec";
import { VISIT_CHUNK_JSON_MAX, visitChunkInput } from "./recording/schemas";

export const PROTOCOL_VERSION = 1;
export const SOCKET_PATH = "/socket.io";

/** Size limits, in bytes of the JSON-encoded payload. */
export const LIMITS = {
  /** Anything above this closes the socket (Socket.IO maxHttpBufferSize). */
  packet: 256 * 1024,
  /** SDP offers/answers (a Chrome audio+video offer is 5–12 KB). */
  signal: 64 * 1024,
  /** One relayed feature message (a batch of pose samples). */
  relay: 32 * 1024,
  /** Every other event. */
  small: 2 * 1024,
  /** Events per second per socket (token bucket) before RATE_LIMITED, and the burst. */
  ratePerSec: 60,
  rateBurst: 240,
} as const;

/** How long a participant whose socket dropped stays in the room as "reconnecting". */
export const RECONNECT_GRACE_MS = 45_000;

export const ERROR_CODES = [
  "BAD_REQUEST", // payload failed validation
  "TOO_LARGE",
  "UNKNOWN_EVENT",
  "RATE_LIMITED",
  "FORBIDDEN", // your role may not do this
  "NOT_FOUND",
  "PEER_ABSENT", // the other participant is not connected (signal/relay not delivered)
  "INVALID_STATE", // e.g. admitting when nobody is waiting
  "UNAUTHORIZED", // handshake: not signed in / no token
  "PROTOCOL_VERSION", // handshake: client and server speak different versions
  "JOIN_UNKNOWN",
  "JOIN_EXPIRED",
  "JOIN_REVOKED",
  "JOIN_CANCELLED",
  "JOIN_ENDED",
  "NOT_ASSIGNED", // handshake: the visit is assigned to another therapist (take it over first)
  "SERVER_BUSY", // handshake: the server is overloaded and admits no new joins for now (retry after retryAfterMs)
  "CONFLICT", // recording:chunk: this seq was already stored with other samples
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type ProtocolError = { ok: false; code: ErrorCode; message: string };
export type Ack<T extends object = object> = ({ ok: true } & T) | ProtocolError;

export const ROLES = ["patient", "therapist"] as const;
export type ParticipantRole = (typeof ROLES)[number];

const instanceId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "Invalid instance id");
const visitId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Invalid visit id");

// ---------------------------------------------------------------------------------------------
// Handshake (socket.handshake.auth)
// ---------------------------------------------------------------------------------------------
export const patientAuth = z.strictObject({
  v: z.number().int(),
  role: z.literal("patient"),
  token: z.string().max(100),
  /** Random per page load; a new value means a new RTCPeerConnection on that side. */
  instanceId,
  name: z.string().trim().min(1, "Please enter your name").max(100, "Name is too long"),
  consent: z.literal(true, { error: "Consent is required to join" }),
});
export const therapistAuth = z.strictObject({ v: z.number().int(), role: z.literal("therapist"), visitId, instanceId });
/** Dashboards: a signed-in staff member listening to their clinic's visit updates. */
export const staffAuth = z.strictObject({ v: z.number().int(), role: z.literal("staff") });
export const handshakeAuth = z.discriminatedUnion("role", [patientAuth, therapistAuth, staffAuth]);
export type HandshakeAuth = z.input<typeof handshakeAuth>;

/** `connect_error` carries `err.data` of this shape when the server refuses the handshake. */
export type HandshakeErrorData = { code: ErrorCode; message: string; /** SERVER_BUSY, RATE_LIMITED: when to try again. */ retryAfterMs?: number };

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------
export const mediaState = z.strictObject({ audio: z.boolean(), video: z.boolean() });
export type MediaState = z.infer<typeof mediaState>;

const sdp = z.strictObject({ type: z.enum(["offer", "answer", "pranswer", "rollback"]), sdp: z.string().max(60_000).optional() });
const candidate = z.strictObject({
  candidate: z.string().max(2_000),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** Perfect-negotiation message: a description or a candidate, addressed to one peer instance. */
export const signalMsg = z
  .strictObject({ to: instanceId, description: sdp.optional(), candidate: candidate.nullable().optional() })
  .refine((m) => (m.description === undefined) !== (m.candidate === undefined), "Send either a description or a candidate");
export type SignalMsg = z.infer<typeof signalMsg>;

/**
 * Generic feature relay. `ns` names the feature ("pose.angles"), `seq` increases by one per
 * message within (sender instance, ns). The receiver acknowledges with relay:ack up to the highest
 * contiguous seq it processed; the sender keeps unacknowledged messages and resends them in order after a
 * reconnect or when unacknowledged for a second (go-back-N: the receiver delivers only seq = last+1,
 * so samples arrive exactly once and in order). `data` is opaque to the server (size-limited).
 */
export const relayNs = z.string().regex(/^[a-z][a-z0-9]*(\.[a-z0-9]+)*$/, "Invalid namespace").max(40);
export const relayMsg = z.strictObject({
  ns: relayNs,
  seq: z.number().int().min(0),
  /** The sender's oldest unacknowledged seq: where a fresh receiver starts (go-back-N). */
  base: z.number().int().min(0).optional(),
  data: z.unknown(),
});
export const relayAckMsg = z.strictObject({ ns: relayNs, upTo: z.number().int().min(-1), sender: instanceId });

// ---------------------------------------------------------------------------------------------
// Client → server
// ---------------------------------------------------------------------------------------------
export const C2S_SCHEMAS = {
  /** Relay an SDP description / ICE candidate to the other participant. */
  signal: signalMsg,
  /** My microphone/camera state, shown to the other side. */
  "media:state": mediaState,
  /** Therapist: let the waiting patient in. */
  "visit:admit": z.strictObject({}),
  /** Therapist: turn the waiting patient away (with an optional short message). */
  "visit:decline": z.strictObject({ message: z.string().trim().max(300).optional() }),
  /** Therapist: end the visit for both sides. */
  "visit:end": z.strictObject({}),
  /** Fresh ICE servers (TURN credentials are short-lived). */
  "ice:servers": z.strictObject({}),
  /** Round-trip probe; the ack echoes `t`. */
  ping: z.strictObject({ t: z.number() }),
  /** Generic namespaced feature relay to the other participant. */
  relay: relayMsg,
  /** Acknowledge relayed messages received from `sender`. */
  "relay:ack": relayAckMsg,
  /**
   * Patient: one chunk of a recording of this visit, stored by the one recording pipeline exactly as
   * `recordings.uploadChunk` stores it (server/services/recordings.ts: same checks, idempotent by (trialId, seq)).
   * While the visit's socket is up the recorder sends its chunks here (one event on the open socket instead of an
   * HTTP request each second; tests/bench/upload.ts measures both); offline buffers and home practice use tRPC.
   */
  "recording:chunk": visitChunkInput,
} as const;
export type C2SEvent = keyof typeof C2S_SCHEMAS;
export type C2SPayload<E extends C2SEvent> = z.input<(typeof C2S_SCHEMAS)[E]>;
/** A payload as the server's dispatcher hands it on: parsed by its schema (defaults filled in). */
export type C2SParsed<E extends C2SEvent> = z.output<(typeof C2S_SCHEMAS)[E]>;

export const C2S_SIZE: Record<C2SEvent, number> = {
  signal: LIMITS.signal,
  "media:state": LIMITS.small,
  "visit:admit": LIMITS.small,
  "visit:decline": LIMITS.small,
  "visit:end": LIMITS.small,
  "ice:servers": LIMITS.small,
  ping: LIMITS.small,
  relay: LIMITS.relay,
  "relay:ack": LIMITS.small,
  "recording:chunk": VISIT_CHUNK_JSON_MAX,
};

/** Which roles may send each event. */
export const C2S_ROLES: Record<C2SEvent, readonly ParticipantRole[]> = {
  signal: ROLES,
  "media:state": ROLES,
  "visit:admit": ["therapist"],
  "visit:decline": ["therapist"],
  "visit:end": ["therapist"],
  "ice:servers": ROLES,
  ping: ROLES,
  relay: ROLES,
  "relay:ack": ROLES,
  "recording:chunk": ["patient"],
};

export type IceServer = { urls: string[]; username?: string; credential?: string };

export type C2SResult = {
  signal: object;
  "media:state": object;
  "visit:admit": object;
  "visit:decline": object;
  "visit:end": object;
  "ice:servers": { iceServers: IceServer[]; expiresAt: number | null };
  ping: { t: number; serverTime: number };
  relay: object;
  "relay:ack": object;
  "recording:chunk": { stored: boolean; duplicate: boolean; seq: number };
};

// ---------------------------------------------------------------------------------------------
// Server → client
// ---------------------------------------------------------------------------------------------
export type VisitLiveStatus = "SCHEDULED" | "WAITING" | "IN_PROGRESS" | "ENDED" | "CANCELLED";

/** A participant as seen by everyone in the room. */
export type ParticipantView = {
  role: ParticipantRole;
  name: string;
  instanceId: string;
  /** online: socket connected; reconnecting: socket dropped less than RECONNECT_GRACE_MS ago */
  presence: "online" | "reconnecting";
  media: MediaState;
  /** Patient only: consent to movement measurement (ISO time). */
  consentAt?: string;
  joinedAt: number;
};

export type RoomView = {
  visitId: string;
  status: VisitLiveStatus;
  startedAt: string | null;
  patient: ParticipantView | null;
  therapist: ParticipantView | null;
};

export type Welcome = {
  v: number;
  role: ParticipantRole;
  instanceId: string;
  visitId: string;
  iceServers: IceServer[];
  iceExpiresAt: number | null;
  /** "relay" when the clinic forces media through TURN (ICE_TRANSPORT_POLICY); both peers apply it. */
  iceTransportPolicy: "all" | "relay";
  serverTime: number;
};

/** Dashboard update for the clinic room. */
export type ClinicVisitUpdate = {
  visitId: string;
  status: VisitLiveStatus;
  patientPresence: "online" | "reconnecting" | "absent";
  patientName: string | null;
  startedAt: string | null;
  endedAt: string | null;
  at: number;
};

/** Dashboard update for the clinic room: alerts of an episode opened, reopened, changed or superseded (issue 17). */
export type ClinicAlertUpdate = {
  episodeId: string;
  patientId: string;
  therapistId: string;
  alerts: { id: string; severity: "EMERGENCY" | "URGENT" | "REVIEW"; title: string; status: string; change: "opened" | "reopened" | "updated" | "superseded" }[];
  at: number;
};

export type S2CEvents = {
  /** First message after a successful participant handshake. */
  "session:welcome": (w: Welcome) => void;
  /** The whole room, sent on every change (join, leave, admit, media, status). */
  "room:state": (s: RoomView) => void;
  /** A signal from the other participant (`from` is their instance id). */
  signal: (m: SignalMsg & { from: string }) => void;
  relay: (m: z.infer<typeof relayMsg> & { from: string; fromRole: ParticipantRole }) => void;
  "relay:ack": (m: z.infer<typeof relayAckMsg>) => void;
  /** Patient: the therapist turned you away. The socket is closed afterwards. */
  "visit:declined": (m: { message: string }) => void;
  /** The visit is over. The socket is closed afterwards. */
  "visit:ended": (m: { endedAt: string }) => void;
  /** Another connection of the same participant took over; this socket is closed afterwards. */
  "session:replaced": (m: { message: string }) => void;
  /**
   * What opened this connection ended (signed out, session revoked or expired, account disabled,
   * patient link revoked or expired, visit cancelled, visit taken over). The socket is closed
   * afterwards; reconnecting with the same credentials will be refused with the same code.
   */
  "session:closed": (m: { code: ErrorCode; message: string }) => void;
  /** Errors for events sent without an acknowledgement callback. */
  "server:error": (e: { event: string; code: ErrorCode; message: string }) => void;
  /** Staff sockets: a visit of the clinic changed. */
  "clinic:visit": (u: ClinicVisitUpdate) => void;
  /** Staff sockets: alerts of the clinic changed (the dashboard's toast and list, the inbox). */
  "clinic:alert": (u: ClinicAlertUpdate) => void;
};

type AckFn<E extends C2SEvent> = (res: Ack<C2SResult[E]>) => void;
export type C2SEvents = { [E in C2SEvent]: (payload: C2SPayload<E>, ack?: AckFn<E>) => void };

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  BAD_REQUEST: "The message was not valid.",
  TOO_LARGE: "The message is too large.",
  UNKNOWN_EVENT: "Unknown event.",
  RATE_LIMITED: "Too many messages; slow down.",
  FORBIDDEN: "You are not allowed to do this.",
  NOT_FOUND: "This visit does not exist.",
  PEER_ABSENT: "The other participant is not connected.",
  INVALID_STATE: "That is not possible right now.",
  UNAUTHORIZED: "Please sign in again.",
  PROTOCOL_VERSION: "Please reload the page: the app was updated.",
  JOIN_UNKNOWN: "This visit link is not valid. Please check the link your therapist sent you.",
  JOIN_EXPIRED: "This visit link has expired. Please ask your therapist for a new link.",
  JOIN_REVOKED: "This visit link is no longer active. Please ask your therapist for a new link.",
  JOIN_CANCELLED: "This visit was cancelled. Please contact your clinic.",
  JOIN_ENDED: "This visit has ended. Thank you!",
  NOT_ASSIGNED: "This visit is assigned to another therapist. Take it over to join.",
  SERVER_BUSY: "The server is busy. Retrying shortly.",
  CONFLICT: "This was already saved differently.",
  INTERNAL: "Something went wrong on our side.",
};

export function protocolError(code: ErrorCode, message = ERROR_MESSAGES[code]): ProtocolError {
  return { ok: false, code, message };
}

/** Byte length of a payload as JSON (what limits are checked against); Infinity if unserialisable. */
export function jsonSize(v: unknown): number {
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return 0;
    // UTF-8 length without Buffer (isomorphic); fast path for ASCII.
    let n = s.length;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) n += s.charCodeAt(i) > 0x7ff ? 2 : 1;
    return n;
  } catch {
    return Infinity;
  }
}

// ---------------------------------------------------------------------------------------------
// Exercise sets in the visit, carried by the relay (the server only relays them; each receiver validates them here
// and drops what does not parse). The patient's analysed frames go on the assessment's `pose.live` namespace with the
// set's id as trialId, so the therapist's skeleton and chart read one stream for both.
// ---------------------------------------------------------------------------------------------
const setId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Invalid set id");
export const EXERCISE_NS = { control: "exercise.ctl", state: "exercise.state" } as const;

/** Therapist → patient. */
export const exerciseControlMsg = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("start"), setId, exercise: z.string().regex(/^[a-z][a-z0-9-]{1,39}@\d{1,5}$/, "Invalid exercise"),
    setNumber: z.number().int().min(1).max(20),
    /** the dose the patient's counter counts against: the exercise engine's own (app/_shared/exercises/spec.ts) */
    dose: DoseSchema,
    /** frame width / height the set's samples are measured with (stored with the set: the server recounts with it) */
    frameAspect: z.number().finite().min(0.2).max(5),
  }),
  z.strictObject({ type: z.literal("stop"), setId }),
  z.strictObject({ type: z.literal("discard"), setId }),
]);
export type ExerciseControlMsg = z.infer<typeof exerciseControlMsg>;

export const EXERCISE_PHASES = ["instructions", "framing", "countdown", "active", "saving", "saved", "failed", "discarded"] as const;
export type ExercisePhase = (typeof EXERCISE_PHASES)[number];
const sideOrNone = z.enum(["left", "right"]).nullable();
const count = z.number().int().min(0).max(10_000);
const ms = z.number().finite().min(0).max(60 * 60_000);

/** Patient → therapist, on every change the patient's counter sees (and at most a few times a second otherwise). */
export const exerciseStateMsg = z.strictObject({
  setId,
  phase: z.enum(EXERCISE_PHASES),
  countdown: z.number().int().min(0).max(10).optional(),
  counts: z.strictObject({ left: count, right: count, none: count, total: count }),
  target: z.number().int().min(0).max(1000).nullable(),
  heldS: z.number().finite().min(0).max(3600).nullable(),
  holdTargetS: z.number().finite().min(0).max(3600).nullable(),
  /** why counting waits / the hold is paused, in plain words */
  reason: z.string().max(300).nullable(),
  /** the form cue on the patient's screen now */
  cue: z.string().max(200).nullable(),
  /** primary measure now (degrees), as the patient's counter reads it */
  current: z.number().finite().min(-360).max(360).nullable(),
  /** the counted repetitions so far (ms since the set's start) */
  reps: z.array(z.strictObject({ index: z.number().int().min(1).max(10_000), side: sideOrNone, startMs: ms, peakMs: ms, endMs: ms, peakDeg: z.number().finite().min(-360).max(360), faults: z.array(z.string().max(60)).max(20) })).max(300),
  /** faults flagged so far: when, and which (the chart marks them) */
  faults: z.array(z.strictObject({ t: ms, rule: z.string().max(60), label: z.string().max(120) })).max(300),
  framing: z.array(z.string().max(300)).max(10).optional(),
  complete: z.boolean(),
  samples: z.number().int().min(0).max(1_000_000).optional(),
  pendingChunks: z.number().int().min(0).max(100_000).optional(),
  error: z.string().max(500).optional(),
});
export type ExerciseStateMsg = z.infer<typeof exerciseStateMsg>;
