// Generates tests/data/gb_vectors.tsv: per-user bucketing answers from the real GrowthBook JS SDK
// (@growthbook/growthbook, pinned in package-lock.json), for the C++ engine to match exactly.
//
// Usage: cd tests/vectors && npm ci && node gen_vectors.mjs
//
// Every row is computed three ways and must agree, or the script fails:
//   1. GrowthBook (the classic per-user instance): gb.run(experiment) after setAttributes;
//   2. GrowthBookClient.runInlineExperiment(experiment, {attributes}) (the multi-user client);
//   3. the SDK's own hash / getBucketRanges / chooseVariation (dist/esm/util.mjs; the package
//      does not export them, so they are imported by path). This also gives n for users that
//      are outside the coverage, for whom run() reports no bucket.
// Experiments use hashVersion 2 and an explicit seed (GrowthBook hashes `seed || key`; the empty
// seed is run with an empty key too, so both hash "" + id).
//
// Columns: seed, user_id, weights (comma list), coverage, n (the hash, k/10000), variation (the
// variation index, -1 when outside the coverage). Line 1 is a "# ..." comment, line 2 the header.

import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { GrowthBook, GrowthBookClient } from "@growthbook/growthbook";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const sdkPackageJson = require.resolve("@growthbook/growthbook/package.json");
const sdkVersion = require(sdkPackageJson).version;
const util = await import(
  pathToFileURL(join(dirname(sdkPackageJson), "dist", "esm", "util.mjs")).href
);

// "default:blend_weights_v2" is what the service's default seed template "{namespace}:{key}"
// gives for experiment blend_weights_v2 on namespace "default".
const kSeeds = ["default:blend_weights_v2", "blend_weights_v2", "exp", "", "sürface😀:exp"];
const kWeights = [
  [0.5, 0.5],
  [0.1, 0.9],
  [0.2, 0.3, 0.5],
  [0.3333, 0.3333, 0.3334],
  // As YAML percents 33.33/33.34/33.33, 33.34/100.0 != 0.3334 and the range ends move by an ulp:
  // the C++ test uses this set to show where percent/100 weights part from the SDK's.
  [0.3333, 0.3334, 0.3333],
];
const kCoverages = [0.01, 0.05, 0.14, 0.5, 1.0];
const kSequentialUsersPerConfig = 120;
const kBoundaryUsersPerTarget = 2;
const kPoolSize = 200000;  // users searched for ones whose n sits at a range boundary
// Always included: the traps from the hashing notes, and the table of known values there.
const kTrapUsers = ["user-17202", "user-5178", "user-121", "user-116", "user-0", "user-9"];

function userId(i) {
  if (i % 10 === 3) return `usér-${i}`;
  if (i % 10 === 7) return `user-😀-${i}`;
  return `user-${i}`;
}

// For each seed: bucket value -> the first few pool users hashing to it.
function buildPool(seed) {
  const byBucket = new Map();
  for (let i = 0; i < kPoolSize; ++i) {
    const id = i % 4 === 0 ? `usér-${i}` : `user-${i}`;
    const n = util.hash(seed, id, 2);
    const list = byBucket.get(n) ?? [];
    if (list.length < kBoundaryUsersPerTarget) {
      list.push(id);
      byBucket.set(n, list);
    }
  }
  return byBucket;
}

// Users whose n is the bucket value just below, at, or just above each range start and end: the
// cells where a rounding or FMA difference in the range ends would show.
function boundaryUsers(ranges, pool) {
  const users = [];
  for (const [start, end] of ranges) {
    for (const edge of [start, end]) {
      const k0 = Math.floor(edge * 10000);
      for (let k = k0 - 1; k <= k0 + 1; ++k) {
        if (k < 0 || k > 9999) continue;
        users.push(...(pool.get(k / 10000) ?? []));
      }
    }
  }
  return users;
}

const client = new GrowthBookClient({});
const gb = new GrowthBook({ attributes: {} });

async function sdkAnswer(experiment, id) {
  await gb.setAttributes({ id });
  const classic = gb.run(experiment);
  const inline = client.runInlineExperiment(experiment, { attributes: { id } });
  const n = util.hash(experiment.seed || experiment.key, id, 2);
  const ranges = util.getBucketRanges(
    experiment.variations.length,
    experiment.coverage,
    experiment.weights,
  );
  const direct = util.chooseVariation(n, ranges);
  const variation = (r) => (r.inExperiment ? r.variationId : -1);
  if (variation(classic) !== direct || variation(inline) !== direct) {
    throw new Error(`SDK entry points disagree for ${id} in ${JSON.stringify(experiment)}`);
  }
  for (const r of [classic, inline]) {
    if (r.inExperiment && (!r.hashUsed || r.bucket !== n)) {
      throw new Error(`run() bucket ${r.bucket} != hash ${n} for ${id}`);
    }
  }
  return { n, variation: direct };
}

const rows = [];
const seen = new Set();
let configIndex = 0;
for (const seed of kSeeds) {
  const pool = buildPool(seed);
  for (const weights of kWeights) {
    for (const coverage of kCoverages) {
      const experiment = {
        key: seed === "" ? "" : "assignd-vectors",
        seed,
        hashVersion: 2,
        variations: weights.map((_, i) => i),
        weights,
        coverage,
      };
      const ranges = util.getBucketRanges(weights.length, coverage, weights);
      const users = [];
      const first = configIndex * kSequentialUsersPerConfig;
      for (let i = first; i < first + kSequentialUsersPerConfig; ++i) users.push(userId(i));
      users.push(...kTrapUsers, ...boundaryUsers(ranges, pool));
      for (const id of users) {
        const cell = JSON.stringify([seed, id, weights, coverage]);
        if (seen.has(cell)) continue;
        seen.add(cell);
        const { n, variation } = await sdkAnswer(experiment, id);
        rows.push([seed, id, weights.join(","), String(coverage), String(n), String(variation)]);
      }
      ++configIndex;
    }
  }
}

// The traps the hashing notes describe must come out as described.
function expectRow(seed, id, weights, coverage, variation) {
  const row = rows.find(
    (r) => r[0] === seed && r[1] === id && r[2] === weights && r[3] === coverage,
  );
  if (!row || row[5] !== variation) throw new Error(`trap ${seed} ${id}: got ${row}`);
}
expectRow("blend_weights_v2", "user-17202", "0.5,0.5", "0.14", "1");
expectRow("blend_weights_v2", "user-5178", "0.1,0.9", "0.01", "1");

for (const row of rows) {
  for (const field of row) {
    if (/[\t\n\r\\]/.test(field)) throw new Error(`field needs escaping: ${field}`);
  }
}
const lines = [
  `# generated by tests/vectors/gen_vectors.mjs with @growthbook/growthbook ${sdkVersion} ` +
    `(hashVersion 2); ${rows.length} rows; do not edit`,
  ["seed", "user_id", "weights", "coverage", "n", "variation"].join("\t"),
  ...rows.map((r) => r.join("\t")),
];
const out = join(here, "..", "data", "gb_vectors.tsv");
writeFileSync(out, lines.join("\n") + "\n");
console.log(`${out}: ${rows.length} rows, ${configIndex} configurations`);
