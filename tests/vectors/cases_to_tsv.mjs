// Converts the sections of GrowthBook's SDK test suite (tests/data/growthbook-cases.json) that the
// C++ core tests need into flat TSV files, so the tests need no JSON library:
//
//   tests/data/growthbook-cases-hash.tsv            seed, value, version, expected
//   tests/data/growthbook-cases-getBucketRange.tsv  name, num_variations, coverage, weights, expected
//   tests/data/growthbook-cases-chooseVariation.tsv name, n, ranges, expected
//   tests/data/growthbook-cases-getEqualWeights.tsv n, expected
//   tests/data/growthbook-cases-inNamespace.tsv     name, id, ns_id, start, end, expected
//   tests/data/growthbook-cases-run.tsv             one row per `run` case (columns below)
//
// Usage: node tests/vectors/cases_to_tsv.mjs   (no dependencies; rerun when the JSON changes)
//
// Format: line 1 is a "# ..." comment, line 2 the column names, then one case per line. Fields
// are separated by tabs; inside a field "\\", "\t", "\n" and "\r" are backslash-escaped. Numbers
// are written as JavaScript prints them (shortest round-trip), so strtod reads back the same
// double. Lists inside a field:
//   number list  "0.1,0.9"          (empty list: empty field; "null": the value was null)
//   ranges       "0:0.5,0.5:1"      (start:end pairs)
//   run filters  "seed;hashVersion;attribute;ranges|..."  (empty hashVersion/attribute = unset)
//   attributes   "name:type:value;..." with type s (string), n (number, as String(n)),
//                b (boolean), z (null); a missing attribute is simply absent
//   variations   each variation as JSON, joined by ";"
// The generator throws if a value contains one of the separators it would need.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, "..", "data");
const cases = JSON.parse(readFileSync(join(dataDir, "growthbook-cases.json"), "utf8"));

function escapeField(value) {
  return String(value)
    .replaceAll("\\", "\\\\")
    .replaceAll("\t", "\\t")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r");
}

function noSeparators(text, separators, what) {
  for (const sep of separators) {
    if (text.includes(sep)) throw new Error(`${what} ${JSON.stringify(text)} contains "${sep}"`);
  }
  return text;
}

function num(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new Error(`not a number: ${x}`);
  return String(x);
}

const numList = (xs) => (xs === null ? "null" : xs.map(num).join(","));
const rangeList = (rs) => rs.map(([s, e]) => `${num(s)}:${num(e)}`).join(",");

function writeTsv(section, columns, rows) {
  const lines = [
    `# generated from growthbook-cases.json (specVersion ${cases.specVersion}) section ` +
      `"${section}" by tests/vectors/cases_to_tsv.mjs; do not edit`,
    columns.join("\t"),
  ];
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`${section}: bad row ${row}`);
    lines.push(row.map(escapeField).join("\t"));
  }
  const file = join(dataDir, `growthbook-cases-${section}.tsv`);
  writeFileSync(file, lines.join("\n") + "\n");
  console.log(`${file}: ${rows.length} rows`);
}

writeTsv(
  "hash",
  ["seed", "value", "version", "expected"],
  cases.hash.map(([seed, value, version, expected]) => [
    seed,
    value,
    num(version),
    expected === null ? "null" : num(expected),
  ]),
);

writeTsv(
  "getBucketRange",
  ["name", "num_variations", "coverage", "weights", "expected"],
  cases.getBucketRange.map(([name, [numVariations, coverage, weights], expected]) => [
    name,
    num(numVariations),
    num(coverage),
    numList(weights),
    rangeList(expected),
  ]),
);

writeTsv(
  "chooseVariation",
  ["name", "n", "ranges", "expected"],
  cases.chooseVariation.map(([name, n, ranges, expected]) => [
    name,
    num(n),
    rangeList(ranges),
    num(expected),
  ]),
);

writeTsv(
  "getEqualWeights",
  ["n", "expected"],
  cases.getEqualWeights.map(([n, expected]) => [num(n), numList(expected)]),
);

writeTsv(
  "inNamespace",
  ["name", "id", "ns_id", "start", "end", "expected"],
  cases.inNamespace.map(([name, id, [nsId, start, end], expected]) => [
    name,
    id,
    nsId,
    num(start),
    num(end),
    String(expected),
  ]),
);

// ---- run ----
// Experiment and context fields the C++ reference `run` implements; anything else makes the case
// skipped, with the reason written to the skip_reason column.
const kExperimentFields = new Set([
  "key", "variations", "weights", "coverage", "seed", "hashVersion", "hashAttribute", "active",
  "status", "force", "namespace", "filters", "ranges", "name", "phase",
]);
const kContextFields = new Set(["attributes", "enabled", "qaMode", "forcedVariations"]);
const kSkipReasons = {
  condition: "needs the condition engine (experiment.condition)",
  parentConditions: "needs prerequisite feature evaluation (experiment.parentConditions)",
  url: "needs URL / query-string handling (context.url)",
  urlPatterns: "needs URL targeting (experiment.urlPatterns)",
  include: "needs the JS include() callback",
  groups: "needs legacy context.groups",
  savedGroups: "needs saved groups (context.savedGroups)",
  features: "needs feature evaluation (context.features)",
};

function attributeList(attributes) {
  const items = [];
  for (const [name, value] of Object.entries(attributes ?? {})) {
    noSeparators(name, [":", ";"], "attribute name");
    let typed;
    if (typeof value === "string") typed = `s:${value}`;
    else if (typeof value === "number") typed = `n:${String(value)}`;
    else if (typeof value === "boolean") typed = `b:${String(value)}`;
    else if (value === null) typed = "z:";
    else typed = null;  // objects/arrays: only conditions read them; not hashable ids
    if (typed !== null) items.push(`${name}:${noSeparators(typed, [";"], "attribute value")}`);
  }
  return items.join(";");
}

function filterList(filters) {
  return filters
    .map((f) => {
      const seed = noSeparators(f.seed, [";", "|"], "filter seed");
      const version = f.hashVersion === undefined ? "" : num(f.hashVersion);
      const attribute = noSeparators(f.attribute ?? "", [";", "|"], "filter attribute");
      return `${seed};${version};${attribute};${rangeList(f.ranges)}`;
    })
    .join("|");
}

const optional = (x, format = String) => (x === undefined ? "" : format(x));

writeTsv(
  "run",
  [
    "index", "name", "skip_reason", "enabled", "qa_mode", "attributes", "forced_variation", "key",
    "seed", "hash_version", "hash_attribute", "variations", "active", "status", "coverage",
    "weights", "force", "namespace", "filters", "ranges", "expected_value", "in_experiment",
    "hash_used",
  ],
  cases.run.map(([name, context, experiment, value, inExperiment, hashUsed], index) => {
    const reasons = [];
    for (const field of Object.keys(experiment)) {
      if (!kExperimentFields.has(field)) reasons.push(kSkipReasons[field] ?? `needs ${field}`);
    }
    for (const field of Object.keys(context)) {
      if (!kContextFields.has(field)) reasons.push(kSkipReasons[field] ?? `needs context.${field}`);
    }
    const forced = context.forcedVariations?.[experiment.key];
    return [
      num(index),
      name,
      reasons.join("; "),
      optional(context.enabled),
      optional(context.qaMode),
      attributeList(context.attributes),
      optional(forced, num),
      experiment.key,
      optional(experiment.seed),
      optional(experiment.hashVersion, num),
      optional(experiment.hashAttribute),
      experiment.variations
        .map((v) => noSeparators(JSON.stringify(v), [";"], "variation"))
        .join(";"),
      optional(experiment.active),
      optional(experiment.status),
      optional(experiment.coverage, num),
      optional(experiment.weights, numList),
      "force" in experiment ? num(experiment.force) : "",
      experiment.namespace
        ? `${noSeparators(experiment.namespace[0], [","], "namespace")},` +
          `${num(experiment.namespace[1])},${num(experiment.namespace[2])}`
        : "",
      optional(experiment.filters, filterList),
      optional(experiment.ranges, rangeList),
      JSON.stringify(value),
      String(inExperiment),
      String(hashUsed),
    ];
  }),
);
