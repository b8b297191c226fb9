// The npm registry mirror used here serves only Linux builds of some native packages, so `npm install`
// writes a package-lock.json without entries for the other platforms' optional binaries, and
// `npm ci` then refuses the lock ("Missing: @next/swc-darwin-arm64@ from lock file"). This adds
// those entries with their os/cpu constraints (npm skips them on other platforms without fetching).
// Run after changing dependencies: node server/scripts/lock-platforms.mjs
import fs from "node:fs";

const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const pkgs = lock.packages;
const platform = (name) => {
  const m = name.match(/-(android|darwin|freebsd|linux|win32|wasm32)-?([a-z0-9]+)?(?:-(gnu|musl|msvc|gnueabihf|wasi))?$/);
  if (!m) return null;
  const [, os, cpu, abi] = m;
  if (os === "wasm32") return { cpu: ["wasm32"] };
  // keys in the order npm itself writes them, so a later `npm install` leaves the lock unchanged
  return { cpu: [cpu], ...(os === "linux" && abi ? { libc: [abi === "musl" ? "musl" : "glibc"] } : {}), os: [os] };
};
let added = 0;
for (const [, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key]) continue;
    const p = platform(dep);
    if (!p) continue;
    const { os, ...rest } = p;
    pkgs[key] = { version, ...rest, optional: true, ...(os ? { os } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`lock-platforms: added ${added} platform entries`);
