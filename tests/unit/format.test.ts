import assert from "node:assert/strict";
import { test } from "node:test";
import { protocolByKey } from "../../app/_shared/assessments/catalogue";
import { coverageOf } from "../../app/_shared/assessments/coverage";
import { summarize } from "../../app/_shared/assessments/summary";
import {
  ageFrom, clinicDay, formatBirth, formatCalendarDate, formatDateTime, formatDuration, formatName, formatOffset, formatRelative,
  fromZonedInputValue, safeTimeZone, toZonedInputValue,
} from "../../app/_shared/format";
import { joinLinkMessage, mailtoHref } from "../../app/_shared/link-message";
import { describeAddress, describeUserAgent } from "../../app/_shared/user-agent";
import { flexionSweep } from "../support/samples";

const at = new Date("2026-12-03T20:00:00Z");

test("one date-time format, in the clinic's zone whatever the computer's", () => {
  assert.equal(formatDateTime(at, "UTC"), "Thu, Dec 3, 2026, 8:00 PM");
  assert.equal(formatDateTime(at, "America/New_York"), "Thu, Dec 3, 2026, 3:00 PM");
  assert.equal(formatDateTime(at, "Europe/Berlin"), "Thu, Dec 3, 2026, 9:00 PM");
  assert.equal(safeTimeZone("Not/AZone"), "UTC");
  assert.equal(formatDateTime(at, "Not/AZone"), "Thu, Dec 3, 2026, 8:00 PM");
});

test("dates of birth are calendar dates: the same day in every zone", () => {
  const dob = new Date("1984-03-12T00:00:00Z");
  assert.equal(formatCalendarDate(dob), "Mar 12, 1984");
  assert.equal(ageFrom(dob, new Date("2026-03-11T12:00:00Z")), 41);
  assert.equal(ageFrom(dob, new Date("2026-03-12T00:00:00Z")), 42);
  assert.equal(formatBirth(dob, new Date("2026-12-01T00:00:00Z")), "born Mar 12, 1984 (42 y)");
  assert.equal(formatName({ firstName: "Jordan", lastName: "Rivera" }), "Jordan Rivera");
});

test("datetime-local values are read as the clinic's wall clock, across DST", () => {
  const v = fromZonedInputValue("2026-07-01T09:30", "Europe/Berlin")!;
  assert.equal(v.toISOString(), "2026-07-01T07:30:00.000Z");
  assert.equal(toZonedInputValue(v, "Europe/Berlin"), "2026-07-01T09:30");
  assert.equal(fromZonedInputValue("2026-01-15T09:30", "America/New_York")!.toISOString(), "2026-01-15T14:30:00.000Z");
  assert.equal(fromZonedInputValue("2026-01-15", "UTC"), null);
  const day = clinicDay("America/New_York", 0, new Date("2026-03-08T15:00:00Z")); // DST starts that day
  assert.equal(day.from.toISOString(), "2026-03-08T05:00:00.000Z");
  assert.equal(day.to.toISOString(), "2026-03-09T04:00:00.000Z");
});

test("durations and relative times in words", () => {
  assert.equal(formatDuration(1400), "1.4 s");
  assert.equal(formatDuration(125_000), "2 min 5 s");
  assert.equal(formatOffset(3200), "0:03.2");
  const now = new Date("2026-12-01T12:00:00Z");
  assert.equal(formatRelative(new Date("2026-12-01T11:59:40Z"), now), "just now");
  assert.equal(formatRelative(new Date("2026-12-01T11:55:00Z"), now), "5 minutes ago");
  assert.equal(formatRelative(new Date("2026-11-30T12:00:00Z"), now), "yesterday");
});

test("the gaps badge and the tracked share come from the summary's own GAPS rule", () => {
  const p = protocolByKey("trunk-flexion")!;
  const full = flexionSweep({ reps: 3 });
  const fc = coverageOf(full, p.primary);
  assert.equal(summarize(full, p).flags.includes("GAPS"), false);
  assert.equal(fc.gaps.length, 0);
  assert.equal(fc.trackedFraction, 1);
  // 1.5 s of samples lost in transit: every sample that arrived is tracked, but the time is not
  const holed = full.filter((s) => s.t < 3000 || s.t > 4500);
  const hc = coverageOf(holed, p.primary);
  assert.equal(summarize(holed, p).flags.includes("GAPS"), true);
  assert.equal(hc.sampleFraction, 1);
  assert.equal(hc.gaps.length, 1);
  assert.ok(hc.gaps[0]!.durationMs > 1500 && hc.gaps[0]!.durationMs < 1700, String(hc.gaps[0]!.durationMs));
  assert.ok(Math.abs(hc.gaps[0]!.startMs - 3000) < 70);
  assert.ok(hc.trackedFraction < 0.9);
  // just over and just under the 1 s rule agree with the summary
  for (const cut of [900, 1100]) {
    const s = full.filter((x) => x.t < 3000 || x.t > 3000 + cut);
    assert.equal(coverageOf(s, p.primary).gaps.length > 0, summarize(s, p).flags.includes("GAPS"), `cut ${cut}`);
  }
});

test("the patient-link message: subject, body with the link, a mailto with CRLF line breaks", () => {
  const m = joinLinkMessage({ url: "https://x.test/join/abc", patient: { firstName: "Jordan", lastName: "Rivera" }, scheduledAt: at, timeZone: "UTC", therapistName: "Taylor Therapist", clinicName: "Riverside" });
  assert.equal(m.subject, "Your video visit with Riverside on Thu, Dec 3, 2026, 8:00 PM");
  assert.match(m.body, /^Dear Jordan Rivera,/);
  assert.match(m.body, /https:\/\/x\.test\/join\/abc/);
  const href = mailtoHref("j@example.com", m);
  assert.match(href, /^mailto:j%40example\.com\?subject=Your%20video%20visit/);
  assert.match(href, /%0D%0A/);
  assert.doesNotMatch(href, /[\n ]/);
});

test("sessions in words", () => {
  const d = describeUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36");
  assert.equal(d.browser, "Chrome 156");
  assert.equal(d.system, "Linux");
  const mac = describeUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15");
  assert.equal(mac.browser, "Safari 17");
  assert.match(mac.system, /^macOS/);
  assert.equal(describeUserAgent(null).browser, "Unknown browser");
  assert.equal(describeUserAgent("%%%garbage").text.length > 0, true);
  assert.equal(describeAddress("::ffff:127.0.0.1"), "this computer (127.0.0.1)");
  assert.equal(describeAddress("192.168.1.20"), "local network (192.168.1.20)");
  assert.equal(describeAddress("203.0.113.9"), "203.0.113.9");
});

test("pose lab readiness in plain words", async () => {
  const { readiness } = await import("../../app/_shared/pose/readiness");
  const base = { state: "running", analysed: 100, analysedFps: 15, latencyMs: 120, error: null };
  assert.equal(readiness(base).verdict, "ready");
  assert.equal(readiness({ ...base, analysed: 5 }).verdict, "checking");
  assert.equal(readiness({ ...base, analysedFps: 6 }).verdict, "slow");
  assert.equal(readiness({ ...base, latencyMs: 900 }).verdict, "slow");
  assert.equal(readiness({ ...base, state: "error", error: "x" }).verdict, "error");
  assert.equal(readiness(null).verdict, "checking");
});
