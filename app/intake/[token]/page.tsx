import type { Metadata } from "next";
import { IntakeFlow } from "./IntakeFlow";

export const metadata: Metadata = { title: "Your intake form", referrer: "no-referrer" };

export default async function IntakePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <IntakeFlow token={token} />;
}
