// What each side of a call says about the video it sends, carried by the visit socket's reliable relay (see
// protocol.ts): the frame rate its encoder sends (outbound-rtp framesPerSecond) and the picture size. The receiver
// judges the frames it gets against it (app/_lib/realtime/quality.ts), so a 15 fps camera that arrives at 14 fps is
// a good connection, not a poor one. Validated here by the receiver; the server only relays it.
import { z } from "zod";

export const MEDIA_NS = "media.sent" as const;

export const mediaSentMsg = z.strictObject({
  /** video frames per second the sender's encoder sends now */
  fps: z.number().finite().min(0).max(240),
  width: z.number().int().min(0).max(16_384).nullable(),
  height: z.number().int().min(0).max(16_384).nullable(),
});
export type MediaSentMsg = z.infer<typeof mediaSentMsg>;
