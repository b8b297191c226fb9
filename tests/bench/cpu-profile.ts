// Reads a V8 CPU profile (.cpuprofile, from `node --cpu-prof`, e.g. BENCH_CPU_PROF=<dir> npm run bench:load) and
// prints where the time went: self time per function and inclusive time per function (a function's share of the
// samples in which it is on the stack), and self time per package/file, so the hot spots of a server run can be read
// without DevTools.
//   npx tsx tests/bench/cpu-profile.ts FILE.cpuprofile [--top 40] [--match substring]
import fs from "node:fs";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const file = process.argv[2];
if (!file) {
  console.error("usage: cpu-profile.ts FILE.cpuprofile [--top N] [--match TEXT]");
  process.exit(2);
}
const opt = (k: string) => {
  const i = process.argv.indexOf(k);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const top = Number(opt("--top") ?? 40);
const match = opt("--match");
const prof = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) => {
  if (!url) return "(native)";
  const u = url.replace(/^file:\/\//, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) return u.slice(nm + 13);
  const root = u.indexOf("/relay-cpu/");
  return root >= 0 ? u.slice(root + 11) : u.replace(/^.*\/(?=[^/]+\/[^/]+$)/, "");
};
const label = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pkg = (n: Node) => {
  const u = n.callFrame.url.replace(/^file:\/\//, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = u.slice(nm + 13).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (!u) return n.callFrame.functionName.startsWith("(") ? n.callFrame.functionName : "(native)";
  if (u.startsWith("node:")) return u;
  return short(u);
};

// Time per sample: the delta to the next sample.
const total = prof.endTime - prof.startTime;
const self = new Map<number, number>();
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i + 1] ?? 0;
  self.set(prof.samples[i]!, (self.get(prof.samples[i]!) ?? 0) + dt);
}
const selfBy = new Map<string, number>();
const inclBy = new Map<string, number>();
const pkgBy = new Map<string, number>();
let idle = 0;
for (const [id, t] of self) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === "(idle)") idle += t;
  selfBy.set(label(n), (selfBy.get(label(n)) ?? 0) + t);
  pkgBy.set(pkg(n), (pkgBy.get(pkg(n)) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclBy.set(l, (inclBy.get(l) ?? 0) + t);
  }
}
const busy = total - idle;
const show = (title: string, m: Map<string, number>, n = top) => {
  console.log(`\n${title}`);
  const rows = [...m].filter(([k]) => !match || k.includes(match)).sort((a, b) => b[1] - a[1]).slice(0, n);
  for (const [k, t] of rows) console.log(`  ${(t / 1000).toFixed(0).padStart(7)} ms  ${((100 * t) / busy).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of the busy time)`);
show("self time by package / file", pkgBy, 25);
show("self time by function", selfBy);
show("inclusive time by function", inclBy);
