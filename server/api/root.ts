import { authRouter } from "./routers/auth";
import { liveRouter } from "./routers/live";
import { exerciseSetsRouter, recordingsRouter } from "./routers/recordings";
import { trialsRouter } from "./routers/trials";
import { homeRouter } from "./routers/home";
import { recordsRouter } from "./routers/records";
import { auditRouter, clinicRouter, patientsRouter, usersRouter, visitsRouter } from "./routers/clinic";
import { programsRouter } from "./routers/programs";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  clinic: clinicRouter,
  patients: patientsRouter,
  visits: visitsRouter,
  users: usersRouter,
  audit: auditRouter,
  live: liveRouter,
  trials: trialsRouter,
  recordings: recordingsRouter,
  exerciseSets: exerciseSetsRouter,
  records: recordsRouter,
  home: homeRouter,
  programs: programsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
