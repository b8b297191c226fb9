// Spoken count and cues for exercise sets (speechSynthesis), when the patient turned sound on. The engine already
// spaces its cues (CueScheduler: at most one every 4 s, the same one at most every 10 s); counts are short and are
// spoken as they come, replacing anything still queued so the voice never falls behind the movement.
const NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"];
export const spokenNumber = (n: number) => NUMBERS[n] ?? String(n);

export class Speaker {
  enabled = false;
  private get synth(): SpeechSynthesis | null {
    return typeof speechSynthesis === "undefined" ? null : speechSynthesis;
  }
  /** Speaks now, dropping what is queued (counts, "Go"). */
  now(text: string) {
    const s = this.synth;
    if (!this.enabled || !s) return;
    s.cancel();
    s.speak(new SpeechSynthesisUtterance(text));
  }
  /** Speaks after what is being said (instructions, cues). */
  queue(text: string) {
    const s = this.synth;
    if (!this.enabled || !s) return;
    s.speak(new SpeechSynthesisUtterance(text));
  }
  stop() {
    this.synth?.cancel();
  }
}
