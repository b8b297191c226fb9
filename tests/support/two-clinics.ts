// The common set-up of the integration suites that need two clinics on a real server: clinic A's therapist and
// clinician and clinic B's therapist signed in, and an anonymous client for the patient (who holds only a link).
import type { DbKind } from "./databases";
import { freshDatabaseUrl } from "./databases";
import { testEnv } from "./env";
import { PASSWORD, seedClinic } from "./seed";
import { HttpClient, startTestServer } from "./server";

export async function twoClinicServer(kind: DbKind, overrides: Record<string, string> = {}) {
  const s = await startTestServer({ env: testEnv({ DATABASE_URL: await freshDatabaseUrl(kind), ...overrides }) });
  const A = await seedClinic(s.db);
  const B = await seedClinic(s.db);
  const signedIn = async (email: string) => {
    const c = new HttpClient(s.url);
    await c.signIn(email, PASSWORD);
    return c;
  };
  const th = await signedIn(A.therapist.email);
  const thB = await signedIn(B.therapist.email);
  const cl = await signedIn(A.clinician.email);
  return { s, A, B, th, thB, cl, patient: new HttpClient(s.url), signedIn };
}
