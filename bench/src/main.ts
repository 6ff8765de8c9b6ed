/**
 * `npm run bench` (full) and `npm run bench -- --quick` (smoke): runs every contender against one
 * local restate-server and writes `<out>/<mode>.md` and `<out>/<mode>.json` (default out:
 * bench/results). `--only id,id` restricts the contenders, `--out dir` moves the output,
 * `--no-replay` skips the replay figure (the longest part of a run).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fullPlan, quickPlan } from "./bench-plan.ts";
import { contenders } from "./contender-list.ts";
import { markdownReport } from "./report.ts";
import { LONG_RUNS, runBench, UI_STREAM } from "./run-bench.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: fileURLToPath(new URL("../results", import.meta.url)) },
    only: { type: "string" },
    "no-replay": { type: "boolean", default: false },
  },
});

const only = values.only === undefined ? undefined : new Set(values.only.split(","));
const unknown = [...(only ?? [])].filter(
  (id) => id !== UI_STREAM && id !== LONG_RUNS && !contenders.some((c) => c.id === id),
);
if (unknown.length > 0) {
  console.error(
    `Unknown contender(s): ${unknown.join(", ")}. Known: ${[...contenders.map((c) => c.id), UI_STREAM, LONG_RUNS].join(", ")}`,
  );
  process.exit(2);
}

const plan = values.quick ? quickPlan : fullPlan;
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)}`.padStart(4);
const results = await runBench(
  plan,
  (line) => console.log(`[${elapsed()} s] ${line}`),
  only,
  !values["no-replay"],
);
await mkdir(values.out, { recursive: true });
const markdown = markdownReport(results);
await writeFile(join(values.out, `${plan.mode}.md`), markdown);
await writeFile(join(values.out, `${plan.mode}.json`), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${markdown}\nWritten to ${join(values.out, `${plan.mode}.{md,json}`)}`);
