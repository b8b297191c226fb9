import type { Metadata } from "next";
import { HOME } from "../strings";
import { HomePractice } from "./HomePractice";

export const metadata: Metadata = { title: HOME.pageTitle, referrer: "no-referrer" };

export default async function HomePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <HomePractice token={token} />;
}
