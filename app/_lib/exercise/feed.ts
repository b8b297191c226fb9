// The therapist's end of an exercise set's state (exercise.state over the visit's relay): the patient's count, hold,
// cue, repetitions and faults as the patient's counter sees them, kept outside React; components subscribe. Malformed
// messages and messages of another set are dropped. The patient's frames themselves arrive on the live pose stream
// (app/_lib/assessment/live-feed.ts).
import { EXERCISE_NS, exerciseStateMsg, type ExerciseStateMsg } from "../../_shared/protocol";

type Relayed = { ns: string; data: unknown };

export class ExerciseFeed {
  state: ExerciseStateMsg | null = null;
  /** the set this page started; states of any other are ignored */
  private setId: string | null = null;
  private listeners = new Set<() => void>();

  /** Takes one relayed message; false when it is another feature's (the caller passes it on). */
  receive(m: Relayed): boolean {
    if (m.ns !== EXERCISE_NS.state) return false;
    const r = exerciseStateMsg.safeParse(m.data);
    if (!r.success || r.data.setId !== this.setId) return true;
    this.state = r.data;
    for (const fn of this.listeners) fn();
    return true;
  }

  /** A new set starts (or none, with null): its states only from now on. */
  follow(setId: string | null) {
    this.setId = setId;
    this.state = null;
    for (const fn of this.listeners) fn();
  }

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  };
  get = () => this.state;
}
