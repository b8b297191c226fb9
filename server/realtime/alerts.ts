// Alerts live (issue 17): the alert store publishes `alerts.changed` on the event bus; this pushes it to the staff
// sockets of that clinic's room only. `io.local`: with several processes every process hears the event on the bus
// and tells its own sockets, so a dashboard gets it exactly once.
import type { ClinicAlertUpdate } from "../../app/_shared/protocol";
import type { EventBus } from "../services/events";
import { clinicRoom, type IO } from "./rooms";

export function relayAlerts(io: IO, bus: EventBus): () => void {
  return bus.subscribe((e) => {
    if (e.type !== "alerts.changed") return;
    const u: ClinicAlertUpdate = { episodeId: e.episodeId, patientId: e.patientId, therapistId: e.therapistId, alerts: e.changed, at: Date.now() };
    io.local.to(clinicRoom(e.clinicId)).emit("clinic:alert", u);
  });
}
