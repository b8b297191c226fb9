// The intake answers in the patient's words: the intake page shows them as options, staff pages as the answers given.
import type { ACTIVITY_LEVEL, BODY_REGIONS, DURATION, FACTORS, LEG_SIDES, LEG_SPREAD, LEG_SYMPTOMS, ONSET_HOW, PHYSICAL_DEMAND, PREVIOUS_EPISODES, RedFlagAnswer, WORK_STATUS } from "../../_shared/care/red-flags";

type L<T extends readonly string[]> = Record<T[number], string>;

export const DURATION_L: L<typeof DURATION> = { under_1_week: "Less than a week", "1_to_6_weeks": "1 to 6 weeks", "6_to_12_weeks": "6 to 12 weeks", over_12_weeks: "More than 12 weeks" };
export const HOW_L: L<typeof ONSET_HOW> = { gradual: "Slowly, over time", sudden: "Suddenly, for no clear reason", lifting: "Lifting or carrying", injury: "A fall or an accident", after_activity: "After sport or hard work", unknown: "I don't know" };
export const REGION_L: L<typeof BODY_REGIONS> = {
  neck: "Neck", upper_back: "Upper back", lower_back_left: "Lower back, left", lower_back_centre: "Lower back, middle", lower_back_right: "Lower back, right",
  buttock_left: "Buttock, left", buttock_right: "Buttock, right", hip_left: "Hip, left", hip_right: "Hip, right",
};
export const SPREAD_L: L<typeof LEG_SPREAD> = { none: "No", buttock_thigh: "Yes, to the thigh", below_knee: "Yes, below the knee", foot: "Yes, into the foot" };
export const SIDE_L: L<typeof LEG_SIDES> = { left: "Left", right: "Right", both: "Both" };
export const SYMPTOM_L: L<typeof LEG_SYMPTOMS> = { pain: "Pain", numbness: "Numbness", pins_and_needles: "Pins and needles", weakness: "Weakness" };
export const FACTOR_L: L<typeof FACTORS> = {
  sitting: "Sitting", standing: "Standing", walking: "Walking", lying: "Lying down", bending: "Bending", lifting: "Lifting", twisting: "Twisting",
  coughing_sneezing: "Coughing or sneezing", morning: "Mornings", evening: "Evenings", rest: "Rest", movement: "Moving about", heat: "Heat", medication: "Medicines",
};
export const PREVIOUS_L: L<typeof PREVIOUS_EPISODES> = { none: "No, this is the first time", one: "Once before", several: "Several times", ongoing: "It never really went away" };
export const WORK_L: L<typeof WORK_STATUS> = { working: "Working", modified_duties: "Working with lighter duties", off_work: "Off work because of my back", not_working: "Not working", retired: "Retired", student: "Student", homemaker: "Looking after home or family" };
export const DEMAND_L: L<typeof PHYSICAL_DEMAND> = { sedentary: "Mostly sitting", light: "Light", moderate: "Moderate", heavy: "Heavy lifting or physical work" };
export const ACTIVITY_L: L<typeof ACTIVITY_LEVEL> = { inactive: "Hardly active", some: "Some activity", active: "Active most days", very_active: "Very active" };
