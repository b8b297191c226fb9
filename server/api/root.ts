import { authRouter } from "./routers/auth";
import { liveRouter } from "./routers/live";
import { exerciseSetsRouter, recordingsRouter } from "./routers/recordings";
import { trialsRouter } from "./routers/trials";
import { homeRouter } from "./routers/home";
import { recordsRouter } from "./routers/records";
import { auditRouter, clinicRouter, patientsRouter, usersRouter, visitsRouter } from "./routers/clinic";
import { questionnairesRouter } from "./routers/questionnaires";
import { programsRouter } from "./routers/programs";
import { alertsRouter, episodesRouter, outboxRouter } from "./routers/episodes";
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
  questionnaires: questionnairesRouter,
  home: homeRouter,
  programs: programsRouter,
  episodes: episodesRouter, alerts: alertsRouter, outbox: outboxRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
