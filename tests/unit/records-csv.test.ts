import assert from "node:assert/strict";
import { test } from "node:test";
import { csvCell, csvRow, objectiveText } from "../../app/_shared/records/objective";

test("CSV cells that a spreadsheet would run as a formula are escaped; numbers stay numbers", () => {
  assert.equal(csvCell("=1+2"), "'=1+2");
  assert.equal(csvCell("+SUM(A1)"), "'+SUM(A1)");
  assert.equal(csvCell("-2+3"), "'-2+3");
  assert.equal(csvCell("@cmd"), "'@cmd");
  assert.equal(csvCell("\t=x"), "'\t=x");
  assert.equal(csvCell('=HYPERLINK("http://x","a")'), `"'=HYPERLINK(""http://x"",""a"")"`);
  assert.equal(csvCell(-12.5), "-12.5");
  assert.equal(csvCell("plain, text"), '"plain, text"');
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(new Date("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05.000Z");
  assert.equal(csvRow(["a", 1, "=b"]), "a,1,'=b");
});

test("objective prefill lists only completed trials with a result", () => {
  assert.equal(objectiveText([{ protocolKey: "trunk-flexion", status: "DISCARDED", summary: null, painDuring: 3 }]), "");
});
