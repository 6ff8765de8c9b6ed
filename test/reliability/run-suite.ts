/**
 * `npm run test:reliability [-- --full] [paths]`: runs the reliability suite and the cluster suite
 * (with the larger counts under `--full`; only `paths`, e.g. `test/cluster`, when given) and
 * prints each scenario's figures as a table, the cluster scenarios in one of their own.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Figures } from "./reliability-env.ts";

const full = process.argv.includes("--full");
const paths = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const root = fileURLToPath(new URL("../../", import.meta.url));
const vitest = join(root, "node_modules/vitest/vitest.mjs");
const dir = await mkdtemp(join(tmpdir(), "reliability-figures-"));

const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      vitest,
      "run",
      "--project",
      "integration",
      ...(paths.length > 0 ? paths : ["test/reliability", "test/cluster"]),
    ],
    {
      cwd: root,
      stdio: "inherit",
      env: {
        ...process.env,
        RELIABILITY_SCALE: full ? "full" : "default",
        RELIABILITY_FIGURES_DIR: dir,
      },
    },
  );
  child.on("exit", (exitCode) => resolve(exitCode ?? 1));
});

const rows: Figures[] = [];
for (const file of (await readdir(dir)).sort()) {
  rows.push(JSON.parse(await readFile(join(dir, file), "utf8")) as Figures);
}
await rm(dir, { recursive: true, force: true });

const single = rows.filter((r) => r.cluster === undefined);
const table = [
  "| scenario | runs | passes | LLM requests per step | duplicates | mismatches | time s | notes |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ...single.map(
    (r) =>
      `| ${r.scenario} | ${r.runs} | ${r.passes} | ${r.llmRequestsPerStep.toFixed(3)} | ${r.duplicates} | ${r.mismatches} | ${r.seconds.toFixed(1)} | ${r.notes ?? ""} |`,
  ),
].join("\n");
const ms = (s?: { median: number; max: number }) =>
  s === undefined ? "—" : `${Math.round(s.median)} / ${Math.round(s.max)}`;
const clusterTable = [
  "| cluster scenario | node kills | agents | runs | passes | LLM requests per step | in-flight repeats | journaled repeats | mismatches | stall after a kill, median / max ms | re-attach: lost connection → result, median / max ms | result after the invocation completed, median / max ms | time s | notes |",
  "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ...rows.flatMap(({ cluster: c, ...r }) =>
    c === undefined
      ? []
      : [
          `| ${r.scenario} | ${c.kills} | ${c.agents} | ${r.runs} | ${r.passes} | ${r.llmRequestsPerStep.toFixed(3)} | ${c.inFlightRepeats} | ${r.duplicates} | ${r.mismatches} | ${ms(c.stallMs)} | ${ms(c.reattachMs)} | ${ms(c.afterCompletionMs)} | ${r.seconds.toFixed(1)} | ${r.notes ?? ""} |`,
        ],
  ),
].join("\n");
console.log(`\nReliability figures (${full ? "full" : "default"} counts)\n\n${table}\n`);
console.log(`Cluster figures (3 nodes, replication 2)\n\n${clusterTable}\n`);
process.exit(code);
