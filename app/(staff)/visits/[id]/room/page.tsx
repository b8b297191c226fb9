import type { Metadata } from "next";
import { VisitRoom } from "./VisitRoom";

export const metadata: Metadata = { title: "Visit room" };

export default async function VisitRoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <VisitRoom visitId={id} />;
}
