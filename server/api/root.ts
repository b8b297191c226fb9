import { authRouter } from "./routers/auth";
import { auditRouter, patientsRouter, usersRouter, visitsRouter } from "./routers/clinic";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  patients: patientsRouter,
  visits: visitsRouter,
  users: usersRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
