// Every word the patient reads on the intake page, in one place (plain language; no diagnosis anywhere).
import type { RedFlagAnswer } from "../../_shared/care/red-flags";

export const S = {
  title: "Before your first visit",
  checking: "Checking your link…",
  offline: "We could not reach the clinic. Check your internet connection and try again.",
  cannotUse: "This link cannot be used",
  intro: (therapist: string, clinic: string) => `${therapist} at ${clinic} would like to know about your back pain before your first visit. It takes about 10 minutes. Your answers go only to your clinic.`,
  hello: (name: string) => `Hello ${name},`,
  validUntil: (d: string) => `This link works until ${d}.`,
  steps: ["Your pain", "What helps", "Work and goals", "Safety questions"] as const,
  stepOf: (i: number, n: number) => `Step ${i} of ${n}`,
  next: "Next",
  back: "Back",
  send: "Send my answers",
  sending: "Sending…",
  fix: "Please check the answers marked in red.",
  // step 1
  duration: "How long have you had this pain?",
  startedOn: "When did it start? (if you know)",
  how: "How did it start?",
  description: "Anything else about how it started (optional)",
  regions: "Where does it hurt? Tap every area.",
  regionsHint: "Seen from behind: your left is on the left.",
  legSpread: "Does the pain spread into your leg?",
  legSide: "Which leg?",
  legSymptoms: "What do you feel in the leg? (tick any)",
  // step 2
  better: "What makes it better? (tick any)",
  worse: "What makes it worse? (tick any)",
  betterOther: "Anything else that helps (optional)",
  worseOther: "Anything else that makes it worse (optional)",
  previous: "Have you had back pain like this before?",
  previousDetails: "Tell us about earlier episodes (optional)",
  // step 3
  workStatus: "What is your work situation?",
  occupation: "Your job or main daily activity (optional)",
  physicalDemand: "How physical is your work or day?",
  activity: "How active are you in a normal week?",
  goals: "What would you like to be able to do again? In your own words.",
  goalPlaceholder: "e.g. Play with my children without pain",
  addGoal: "Add another goal",
  remove: "Remove",
  medication: "Medicines you take now (optional)",
  medName: "Medicine",
  medDose: "Dose (optional)",
  medForBack: "For my back pain",
  addMed: "Add a medicine",
  // step 4
  safetyIntro: "These questions help your therapist make sure it is safe to start exercises. Answer each one; choose “Not sure” if you do not know.",
  answers: { yes: "Yes", no: "No", unsure: "Not sure" } satisfies Record<RedFlagAnswer, string>,
  // done
  doneNote: "You can close this page now.",
  alreadySent: "Your answers were already sent. Thank you.",
  emergencyCall: "If you cannot get there safely, call your local emergency number now.",
} as const;

export { ACTIVITY_L, DEMAND_L, DURATION_L, FACTOR_L, HOW_L, PREVIOUS_L, REGION_L, SIDE_L, SPREAD_L, SYMPTOM_L, WORK_L } from "../../_components/care/intake-labels";
