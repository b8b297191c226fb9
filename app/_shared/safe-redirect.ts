// Where to send the browser after sign-in: the `next` query parameter, if and only if it names a
// path of this app. Isomorphic (browser and server) and dependency-free: WHATWG URL does the parsing.
//
// Browsers are lenient in ways that turn innocent-looking paths into other origins: they drop tabs and
// newlines anywhere in a URL ("/\t/evil.example" is "//evil.example"), treat "\" as "/" in http(s)
// URLs ("/\evil.example"), and routers or servers may decode "%5C" / "%2F" once more before they
// resolve. So a candidate is refused unless it is a plain absolute path that stays a plain path after
// decoding, and it must resolve to the same origin; the normalised path is returned, never the input.

const MAX_LENGTH = 2048;
/** The origin used when the caller gives none; only its identity matters, nothing is fetched. */
const PLACEHOLDER_ORIGIN = "http://posevisit.invalid";

// eslint-disable-next-line no-control-regex
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\\\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Decodes percent-escapes until nothing changes (at most a few rounds); null when malformed. */
function fullyDecoded(s: string): string | null {
  let cur = s;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return null;
    }
    if (next === cur) return cur;
    cur = next;
  }
  return null; // still changing after four rounds: nobody legitimate encodes that deep
}

function plainPath(s: string): boolean {
  return s.startsWith("/") && !s.startsWith("//") && !UNSAFE_CHAR.test(s);
}

/**
 * The same-origin path (pathname + search + hash) that `next` names, or null when it is missing,
 * malformed or could lead anywhere else: absolute URLs, scheme-relative "//host", "/\host",
 * "javascript:", userinfo, control characters and whitespace, backslashes and encoded slashes or
 * backslashes that would form any of those after decoding.
 */
export function safeNextPath(next: unknown, origin: string = PLACEHOLDER_ORIGIN): string | null {
  if (typeof next !== "string" || next.length === 0 || next.length > MAX_LENGTH) return null;
  if (!plainPath(next)) return null;
  // The path decides where the browser goes; what follows "?" or "#" is data and may hold escapes.
  const decoded = fullyDecoded(next.split(/[?#]/, 1)[0]!);
  if (decoded === null || !plainPath(decoded)) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || url.username || url.password) return null;
  const decodedPath = fullyDecoded(url.pathname);
  if (decodedPath === null || !plainPath(decodedPath)) return null;
  return url.pathname + url.search + url.hash;
}

/** Where a freshly signed-in user goes: a forced password change first, then `next`, else the dashboard. */
export function afterSignInPath(next: unknown, opts: { mustChangePassword: boolean; origin?: string }): string {
  if (opts.mustChangePassword) return "/account";
  return safeNextPath(next, opts.origin) ?? "/dashboard";
}
