// A session's browser and system in words ("Chrome 156 on Linux, desktop"), read from its user-agent
// string with bowser (a maintained parser), for the account page's list of signed-in sessions.
import Bowser from "bowser";

export type DeviceWords = { browser: string; system: string; kind: string | null; text: string };

export function describeUserAgent(ua: string | null | undefined): DeviceWords {
  if (!ua || !ua.trim()) return { browser: "Unknown browser", system: "unknown system", kind: null, text: "Unknown browser" };
  let browser = "", version = "", os = "", osVersion = "", platform = "";
  try {
    const p = Bowser.getParser(ua);
    browser = p.getBrowserName() || "";
    version = (p.getBrowserVersion() || "").split(".")[0] ?? "";
    os = p.getOSName() || "";
    osVersion = p.getOS().versionName || "";
    platform = p.getPlatformType() || "";
  } catch {
    /* an unparseable string reads as unknown */
  }
  const b = browser ? `${browser}${version ? ` ${version}` : ""}` : "Unknown browser";
  const system = os ? `${os}${osVersion ? ` ${osVersion}` : ""}` : "unknown system";
  const kind = platform || null;
  return { browser: b, system, kind, text: `${b} on ${system}${kind ? `, ${kind}` : ""}` };
}

/** A client address in words: loopback and private ranges are named, others shown as they are. */
export function describeAddress(ip: string | null | undefined): string {
  if (!ip) return "unknown address";
  const a = ip.replace(/^::ffff:/, "");
  if (a === "127.0.0.1" || a === "::1" || a.startsWith("127.")) return `this computer (${a})`;
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|fd|fc)/i.test(a)) return `local network (${a})`;
  return a;
}
