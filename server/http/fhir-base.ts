import type { Env } from "../env";
import { FHIR_PREFIX } from "./fhir";

/** The FHIR base URL for fullUrls in staff exports (the request's own origin where no PUBLIC_ORIGIN is set). */
export const expectedBase = (env: Env) => `${env.PUBLIC_ORIGIN ? new URL(env.PUBLIC_ORIGIN).origin : `http://localhost:${env.PORT}`}${FHIR_PREFIX}`;
