// Installs the self-hosted MediaPipe pose runtime into public/ from npm packages only (no network):
//   public/mediapipe/  the @mediapipe/tasks-vision 1.1.0 WASM loaders + binaries (simd, nosimd and ES-module pairs)
//   public/models/     pose_landmarker_{lite,full}.task built from @mediapipe/pose 0.5.1675469404 (+ heavy when
//                      POSEVISIT_POSE_HEAVY=1), and manifest.json (name, version, sha256, bytes) for the runtime.
//
// Why we build the .task files: no npm package ships the lite .task, and Google's model storage is not reachable.
// A .task is a ZIP with two STORED entries, pose_detector.tflite and pose_landmarks_detector.tflite. The raw
// .tflite files in @mediapipe/pose lack the TFLITE_METADATA entry MediaPipe needs to normalise the input image, so we
// add a minimal metadata flatbuffer (detector mean/std 127.5/127.5, landmarks 0/255) by prepending a new flatbuffer
// root to the untouched model bytes. This build was checked to give landmarks bit-identical to Google's official
// pose_landmarker_full.task (see the project notes on MediaPipe offline).
//
// Every source file is checked against a pinned sha256, every output too. Re-running is cheap: outputs that already
// exist with the right hash are left alone. Usage: node server/scripts/install-pose-assets.mjs [--force] [--check]
//   --check  only verify what is installed (exit 1 when something is missing or wrong); --force  rebuild everything.
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(root, "package.json"));
const FORCE = process.argv.includes("--force");
const CHECK_ONLY = process.argv.includes("--check");
const WITH_HEAVY = process.env.POSEVISIT_POSE_HEAVY === "1";

const TASKS_VISION_VERSION = "1.1.0";
const POSE_VERSION = "0.5.1675469404";

/** tasks-vision WASM files: name -> sha256 (tasks-vision 1.1.0 from npm). */
const WASM_FILES = {
  "vision_wasm_internal.js": "7c652617b5bef832f42878ce8c5f752b0724bca6054e4bc1013a37d4b1949723",
  "vision_wasm_internal.wasm": "782eda3ec1f414fdb4f1d66a8b59093eb4d5ab437e06117796abf05962d68eef",
  "vision_wasm_nosimd_internal.js": "510fc70a170eb8b46767a7abab2af89a7a8341fa5b3ebfb8a5de41a79b7fa9df",
  "vision_wasm_nosimd_internal.wasm": "b802041d105876865d6a0806f2ff7c4419a7f1b80bc01340fe36e759c2030011",
  // The ES-module pair: what a *module* Web Worker loads (importScripts() is unavailable there; see app/_lib/pose).
  "vision_wasm_module_internal.js": "70eff3956521b7de058d7173a4935c95e4a223c26ea624b9f5a936d3a043dcb0",
  "vision_wasm_module_internal.wasm": "ee03b14a878e6c3c053a1bfa62e166dc45244be54dc0bbe61c578f710b771f6a",
};

/** @mediapipe/pose source files: name -> [sha256, bytes]. */
const POSE_SOURCES = {
  "pose_solution_packed_assets.data": ["a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85", 2962288], // = pose detector
  "pose_landmark_lite.tflite": ["f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61", 2819824],
  "pose_landmark_full.tflite": ["e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f", 6440512],
  "pose_landmark_heavy.tflite": ["59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe", 27709200],
};

/** Expected outputs of this build (deterministic: fixed layout, DOS date 1980-01-01 00:00). */
const MODELS = {
  lite: { sha256: "85fcfa2f95b58072e3fa4693e0235682eae9acc4f35c90697743814a2e2a73dc", bytes: 5786276 },
  full: { sha256: "5b80fa7ff3f3847c0b51f7054b4b917766552ca1b067fc8f304b9598c0a92bb3", bytes: 9407076 },
  heavy: { sha256: "d4eb51fa094c9169e97f463da69dba830631aef924c186e83c8ed36e97d7d7ad", bytes: 30677188 },
};

class AssetError extends Error {}
const sha256 = (buf) => crypto.createHash("sha256").update(buf).digest("hex");
const rel = (p) => path.relative(root, p) || p;

function packageDir(name, version) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    pkgJson = path.join(root, "node_modules", name, "package.json");
  }
  if (!fs.existsSync(pkgJson)) throw new AssetError(`${name} is not installed (expected ${rel(pkgJson)}); run npm install first.`);
  const v = JSON.parse(fs.readFileSync(pkgJson, "utf8")).version;
  if (v !== version) throw new AssetError(`${name} is version ${v}, but exactly ${version} is required (pin it in package.json).`);
  return path.dirname(pkgJson);
}

function readVerified(file, expectedSha, expectedBytes) {
  if (!fs.existsSync(file)) throw new AssetError(`missing source file ${rel(file)}`);
  const buf = fs.readFileSync(file);
  const got = sha256(buf);
  if (got !== expectedSha || (expectedBytes !== undefined && buf.length !== expectedBytes)) {
    throw new AssetError(
      `checksum mismatch for ${rel(file)}: sha256 ${got} (${buf.length} B), expected ${expectedSha}` +
        (expectedBytes !== undefined ? ` (${expectedBytes} B)` : "") + ". The npm package is corrupt or a different version.",
    );
  }
  return buf;
}

/** True when `file` exists with the expected hash. */
function isInstalled(file, expectedSha) {
  if (!fs.existsSync(file)) return false;
  return sha256(fs.readFileSync(file)) === expectedSha;
}

function writeAtomic(file, buf) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, file);
}

// ---------- TFLite metadata (flatbuffer "M001"): one RGB image input with NormalizationOptions ----------
async function buildMetadata(name, mean, std) {
  const { Builder } = await import("flatbuffers");
  const b = new Builder(256);
  const floatVec = (v) => { b.startVector(4, 1, 4); b.addFloat32(v); return b.endVector(); };
  const offsetVec = (o) => { b.startVector(4, 1, 4); b.addOffset(o); return b.endVector(); };
  const meanV = floatVec(mean);
  const stdV = floatVec(std);
  b.startObject(2); b.addFieldOffset(0, meanV, 0); b.addFieldOffset(1, stdV, 0);
  const norm = b.endObject(); // NormalizationOptions { mean, std }
  b.startObject(2); b.addFieldInt8(0, 1, 0); b.addFieldOffset(1, norm, 0);
  const processUnit = b.endObject(); // ProcessUnit { options_type = NormalizationOptions }
  b.startObject(2); b.addFieldInt8(0, 1, 0);
  const imageProps = b.endObject(); // ImageProperties { color_space = RGB }
  b.startObject(3); b.addFieldInt8(0, 2, 0); b.addFieldOffset(1, imageProps, 0);
  const content = b.endObject(); // Content { content_properties_type = ImageProperties }
  const processUnits = offsetVec(processUnit);
  const tensorName = b.createString("image");
  b.startObject(7); b.addFieldOffset(0, tensorName, 0); b.addFieldOffset(3, content, 0); b.addFieldOffset(4, processUnits, 0);
  const tensorMeta = offsetVec(b.endObject()); // [TensorMetadata]
  b.startObject(9); b.addFieldOffset(2, tensorMeta, 0);
  const subgraphs = offsetVec(b.endObject()); // [SubGraphMetadata { input_tensor_metadata }]
  const modelName = b.createString(name);
  const minParser = b.createString("1.0.0");
  b.startObject(8); b.addFieldOffset(0, modelName, 0); b.addFieldOffset(3, subgraphs, 0); b.addFieldOffset(7, minParser, 0);
  b.finish(b.endObject(), "M001"); // ModelMetadata { name, subgraph_metadata, min_parser_version }
  return Buffer.from(b.asUint8Array());
}

// ---------- add a TFLITE_METADATA buffer to a .tflite without re-serialising it ----------
// Flatbuffer uoffsets are relative and point forward, so we write a new prefix (new root Model table, new buffers and
// metadata vectors that reference the old tables, the new Buffer/Metadata tables, the blob) in front of the untouched
// old bytes. The prefix length is a multiple of 16 so the old tensor buffers keep their alignment.
function injectMetadata(old, metadata) {
  if (old.toString("latin1", 4, 8) !== "TFL3") throw new AssetError("not a TFLite flatbuffer (no TFL3 identifier)");
  const rootPos = old.readUInt32LE(0);
  const vtable = rootPos - old.readInt32LE(rootPos);
  const vtableLen = old.readUInt16LE(vtable);
  const slot = (i) => {
    const o = 4 + 2 * i < vtableLen ? old.readUInt16LE(vtable + 4 + 2 * i) : 0;
    return o ? rootPos + o : 0;
  };
  const ref = (i) => { const s = slot(i); return s ? s + old.readUInt32LE(s) : 0; };
  const items = (i) => {
    const v = ref(i);
    if (!v) return [];
    const n = old.readUInt32LE(v);
    return Array.from({ length: n }, (_, k) => v + 4 + 4 * k + old.readUInt32LE(v + 4 + 4 * k));
  };
  const buffers = items(4); // Model.buffers
  const metas = items(6); // Model.metadata
  if (metas.some((m) => { const mv = m - old.readInt32LE(m); const o = old.readUInt16LE(mv + 4); if (!o) return false; const s = m + o + old.readUInt32LE(m + o); return old.toString("latin1", s + 4, s + 4 + old.readUInt32LE(s)) === "TFLITE_METADATA"; })) {
    throw new AssetError("model already has TFLITE_METADATA");
  }
  const VT = 8, T = 28, BV = 64, MV = BV + 4 + 4 * (buffers.length + 1);
  const BVT = MV + 4 + 4 * (metas.length + 1), BT = BVT + 8, MVT = BT + 8, MT = MVT + 8, NAME = MT + 12;
  let DATA = NAME + 20;
  while ((DATA + 4) % 16) DATA++;
  const P = Math.ceil((DATA + 4 + metadata.length) / 16) * 16;
  const p = Buffer.alloc(P);
  const w32 = (v, at) => p.writeUInt32LE(v >>> 0, at);
  const w16 = (v, at) => p.writeUInt16LE(v, at);
  const uoff = (at, target) => w32(target - at, at);
  w32(T, 0); p.write("TFL3", 4, "latin1");
  w16(20, VT); w16(36, VT + 2);
  for (let i = 0; i < 8; i++) w16(4 + 4 * i, VT + 4 + 2 * i); // Model vtable, 8 fields
  p.writeInt32LE(T - VT, T);
  w32(slot(0) ? old.readUInt32LE(slot(0)) : 0, T + 4); // 0 version
  for (const i of [1, 2, 3, 5, 7]) { // operator_codes, subgraphs, description, metadata_buffer, signature_defs
    if (ref(i)) uoff(T + 4 + 4 * i, P + ref(i));
    else w16(0, VT + 4 + 2 * i);
  }
  uoff(T + 20, BV); uoff(T + 28, MV); // 4 buffers, 6 metadata -> new vectors
  w32(buffers.length + 1, BV);
  buffers.forEach((b, k) => uoff(BV + 4 + 4 * k, P + b));
  uoff(BV + 4 + 4 * buffers.length, BT);
  w32(metas.length + 1, MV);
  metas.forEach((m, k) => uoff(MV + 4 + 4 * k, P + m));
  uoff(MV + 4 + 4 * metas.length, MT);
  w16(6, BVT); w16(8, BVT + 2); w16(4, BVT + 4); p.writeInt32LE(BT - BVT, BT); uoff(BT + 4, DATA); // Buffer { data }
  w16(8, MVT); w16(12, MVT + 2); w16(4, MVT + 4); w16(8, MVT + 6); p.writeInt32LE(MT - MVT, MT); // Metadata { name, buffer }
  uoff(MT + 4, NAME); w32(buffers.length, MT + 8);
  w32(15, NAME); p.write("TFLITE_METADATA", NAME + 4, "latin1");
  w32(metadata.length, DATA); metadata.copy(p, DATA + 4);
  return Buffer.concat([p, old]);
}

// ---------- ZIP with STORED entries, each entry's data 4-byte aligned (like Google's .task files) ----------
function crc32(buf) {
  if (typeof zlib.crc32 === "function") return zlib.crc32(buf) >>> 0;
  let c, crc = 0xffffffff; // Node < 20.15 fallback
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function zipStored(entries) {
  const parts = [], central = [];
  let off = 0;
  for (const [name, data] of entries) {
    const nameBuf = Buffer.from(name);
    const pad = (4 - ((off + 30 + nameBuf.length) % 4)) % 4;
    if (pad) { parts.push(Buffer.alloc(pad)); off += pad; }
    const crc = crc32(data);
    const lh = Buffer.alloc(30), cd = Buffer.alloc(46);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(0x21, 12); // DOS date 1980-01-01
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(nameBuf.length, 26);
    cd.writeUInt32LE(0x02014b50, 0); cd.writeUInt16LE(20, 4); cd.writeUInt16LE(20, 6); cd.writeUInt16LE(0x21, 14);
    cd.writeUInt32LE(crc, 16); cd.writeUInt32LE(data.length, 20); cd.writeUInt32LE(data.length, 24); cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(off, 42);
    parts.push(lh, nameBuf, data); central.push(cd, nameBuf);
    off += 30 + nameBuf.length + data.length;
  }
  const cdBuf = Buffer.concat(central), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBuf.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

async function main() {
  const t0 = Date.now();
  const wasmOut = path.join(root, "public/mediapipe");
  const modelsOut = path.join(root, "public/models");
  const variants = WITH_HEAVY ? ["lite", "full", "heavy"] : ["lite", "full"];
  const problems = [];
  let copied = 0, built = 0;

  if (!CHECK_ONLY) { fs.mkdirSync(wasmOut, { recursive: true }); fs.mkdirSync(modelsOut, { recursive: true }); }

  // 1. WASM
  const tvDir = CHECK_ONLY ? null : packageDir("@mediapipe/tasks-vision", TASKS_VISION_VERSION);
  for (const [name, sha] of Object.entries(WASM_FILES)) {
    const dest = path.join(wasmOut, name);
    if (!FORCE && isInstalled(dest, sha)) continue;
    if (CHECK_ONLY) { problems.push(`${rel(dest)} missing or wrong checksum`); continue; }
    writeAtomic(dest, readVerified(path.join(tvDir, "wasm", name), sha));
    copied++;
  }

  // 2. Models
  const manifest = {
    generator: "server/scripts/install-pose-assets.mjs",
    tasksVision: TASKS_VISION_VERSION,
    wasmBase: "/mediapipe",
    models: [],
  };
  let poseDir = null, detector = null, landmarkMeta = null;
  for (const v of variants) {
    const file = `pose_landmarker_${v}.task`;
    const dest = path.join(modelsOut, file);
    const want = MODELS[v];
    if (FORCE || !isInstalled(dest, want.sha256)) {
      if (CHECK_ONLY) { problems.push(`${rel(dest)} missing or wrong checksum`); continue; }
      poseDir ??= packageDir("@mediapipe/pose", POSE_VERSION);
      if (!detector) {
        const [s, n] = POSE_SOURCES["pose_solution_packed_assets.data"];
        detector = injectMetadata(readVerified(path.join(poseDir, "pose_solution_packed_assets.data"), s, n), await buildMetadata("Pose Detection", 127.5, 127.5));
        landmarkMeta = await buildMetadata("Pose Landmark", 0, 255);
      }
      const [s, n] = POSE_SOURCES[`pose_landmark_${v}.tflite`];
      const landmarks = injectMetadata(readVerified(path.join(poseDir, `pose_landmark_${v}.tflite`), s, n), landmarkMeta);
      const task = zipStored([["pose_detector.tflite", detector], ["pose_landmarks_detector.tflite", landmarks]]);
      const got = sha256(task);
      if (got !== want.sha256 || task.length !== want.bytes) {
        throw new AssetError(`built ${file} has sha256 ${got} (${task.length} B), expected ${want.sha256} (${want.bytes} B); the build recipe changed — update the pinned value only after checking landmarks against the official model.`);
      }
      writeAtomic(dest, task);
      built++;
    }
    manifest.models.push({ name: v, file, url: `/models/${file}`, version: `mediapipe-pose-${POSE_VERSION}`, sha256: want.sha256, bytes: want.bytes });
  }

  if (CHECK_ONLY) {
    if (problems.length) throw new AssetError(`pose assets are not installed correctly:\n  ${problems.join("\n  ")}\nrun: node server/scripts/install-pose-assets.mjs`);
    console.log("[pose-assets] all files present with the expected sha256");
    return;
  }
  const manifestPath = path.join(modelsOut, "manifest.json");
  const manifestText = JSON.stringify(manifest, null, 2) + "\n";
  if (!fs.existsSync(manifestPath) || fs.readFileSync(manifestPath, "utf8") !== manifestText) writeAtomic(manifestPath, manifestText);
  const skipped = Object.keys(WASM_FILES).length - copied + variants.length - built;
  console.log(`[pose-assets] ${copied} wasm file(s) copied, ${built} model(s) built, ${skipped} already up to date (${Date.now() - t0} ms) -> public/mediapipe, public/models`);
}

main().catch((err) => {
  if (err instanceof AssetError) {
    console.error(`[pose-assets] ERROR: ${err.message}`);
    process.exit(1);
  }
  throw err;
});
