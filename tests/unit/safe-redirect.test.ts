import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { afterSignInPath, safeNextPath } from "../../app/_shared/safe-redirect";

const ORIGIN = "https://visits.example.org";

/** What a browser makes of `next` when it navigates there from a page of ORIGIN. */
const browserOrigin = (next: string) => new URL(next, ORIGIN).origin;

describe("safeNextPath", () => {
  const refused: [string, unknown][] = [
    ["backslash after slash (issue 16)", "/\\evil.example"],
    ["encoded backslash (issue 16)", "/%5Cevil.example"],
    ["encoded backslash, lower case", "/%5cevil.example"],
    ["double-encoded backslash", "/%255Cevil.example"],
    ["tab between slashes (issue 16)", "/\t/evil.example"],
    ["encoded tab between slashes (issue 16)", "/%09/evil.example"],
    ["newline between slashes", "/\n/evil.example"],
    ["carriage return", "/\r/evil.example"],
    ["encoded newline", "/%0A/evil.example"],
    ["NUL", "/\u0000/evil.example"],
    ["leading space", " /dashboard"],
    ["non-breaking space", "/\u00a0/evil.example"],
    ["scheme-relative", "//evil.example"],
    ["scheme-relative with path", "//evil.example/dashboard"],
    ["triple slash", "///evil.example"],
    ["slash backslash", "/\\/evil.example"],
    ["backslash only", "\\\\evil.example"],
    ["encoded slash after slash", "/%2Fevil.example"],
    ["encoded slash, lower case", "/%2fevil.example"],
    ["double-encoded slash", "/%252Fevil.example"],
    ["absolute http URL", "http://evil.example/"],
    ["absolute https URL", "https://evil.example/dashboard"],
    ["absolute URL of our own origin", `${ORIGIN}/dashboard`],
    ["scheme without slashes", "https:evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["JavaScript: mixed case", "JaVaScRiPt:alert(1)"],
    ["javascript: after whitespace", " javascript:alert(1)"],
    ["data: URL", "data:text/html,<script>alert(1)</script>"],
    ["userinfo", "//user:pass@evil.example"],
    ["userinfo after slash", "/\\user@evil.example"],
    ["relative path", "dashboard"],
    ["dot-relative path", "./dashboard"],
    ["empty", ""],
    ["null", null],
    ["undefined", undefined],
    ["number", 42],
    ["malformed escape", "/%E0%A4%A"],
    ["very long", "/" + "a".repeat(5000)],
  ];
  for (const [name, input] of refused)
    test(`refuses ${name}`, () => {
      assert.equal(safeNextPath(input, ORIGIN), null);
    });

  const accepted: [string, string, string][] = [
    ["a page", "/dashboard", "/dashboard"],
    ["a nested page with query", "/patients/abc123?tab=trials", "/patients/abc123?tab=trials"],
    ["a query holding an encoded URL", "/patients?search=https%3A%2F%2Fx", "/patients?search=https%3A%2F%2Fx"],
    ["a hash", "/visits/v1/report#summary", "/visits/v1/report#summary"],
    ["dot segments, normalised", "/patients/../dashboard", "/dashboard"],
    ["a colon inside the path", "/javascript:alert(1)", "/javascript:alert(1)"],
    ["the root", "/", "/"],
  ];
  for (const [name, input, want] of accepted)
    test(`accepts ${name}`, () => {
      const got = safeNextPath(input, ORIGIN);
      assert.equal(got, want);
      assert.equal(browserOrigin(got!), ORIGIN);
    });

  test("whatever it accepts stays on the origin for a browser too", () => {
    for (const [, input] of refused) {
      const got = safeNextPath(input, ORIGIN);
      if (got !== null) assert.equal(browserOrigin(got), ORIGIN);
    }
  });

  test("works without an explicit origin (as the sign-in page uses it before hydration)", () => {
    assert.equal(safeNextPath("/dashboard"), "/dashboard");
    assert.equal(safeNextPath("/%5Cevil.example"), null);
  });
});

describe("afterSignInPath", () => {
  test("a forced password change wins over next", () => {
    assert.equal(afterSignInPath("/patients", { mustChangePassword: true }), "/account");
  });
  test("a safe next is followed, an unsafe one falls back to the dashboard", () => {
    assert.equal(afterSignInPath("/patients", { mustChangePassword: false }), "/patients");
    assert.equal(afterSignInPath("/%09/evil.example", { mustChangePassword: false }), "/dashboard");
    assert.equal(afterSignInPath(null, { mustChangePassword: false }), "/dashboard");
  });
});
