import { router } from "../trpc";

/** Live-visit procedures (patient join check, ICE servers, …). */
export const liveRouter = router({});
