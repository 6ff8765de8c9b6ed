/**
 * The markdown report of a bench run: the targets first, then one table per figure. Every number
 * is a median with its min–max over the repetitions.
 */
import { comparePeers, ratioRange } from "./peers.ts";
import { finishedMs, ms, rate, table } from "./report-format.ts";
import { costSection, replayCpuSection } from "./report-growth.ts";
import { clusterSection, encryptionSection, uiStreamSection } from "./report-systems.ts";
import type { BenchResults } from "./results.ts";
import { floorPerStep } from "./targets.ts";

function latencyTable(results: BenchResults, latencyMs: number): string {
  const cells = results.latency.filter((c) => c.latencyMs === latencyMs);
  const steps = [...new Set(cells.map((c) => c.steps))];
  const bare = (n: number) =>
    cells.find((c) => c.contender === "bare" && c.steps === n)?.perStep.median;
  const rows = results.meta.contenders.flatMap(({ id }) => {
    const mine = cells.filter((c) => c.contender === id);
    if (mine.length === 0) return [];
    return [
      [
        id,
        ...steps.flatMap((n) => {
          const cell = mine.find((c) => c.steps === n);
          const base = bare(n);
          if (cell === undefined) return ["", "", ""];
          return [
            ms(cell.invocation),
            ms(cell.perStep),
            base === undefined ? "" : `${(cell.perStep.median / base).toFixed(2)}×`,
          ];
        }),
      ],
    ];
  });
  const header = [
    "contender",
    ...steps.flatMap((n) => [`${n} steps: agent ms`, "per step ms", "÷ bare"]),
  ];
  return table(header, rows);
}

/** Per step of the longest agent: the contender against bare ctx.run plus its SDK alone. */
function layerCostTable(results: BenchResults): string {
  const steps = Math.max(...results.latency.map((c) => c.steps));
  const latencies = [...new Set(results.latency.map((c) => c.latencyMs))];
  const rows = latencies.flatMap((latencyMs) =>
    results.meta.contenders.flatMap(({ id, floor }) => {
      const cell = results.latency.find(
        (c) => c.contender === id && c.latencyMs === latencyMs && c.steps === steps,
      );
      const base = floorPerStep(results, id, latencyMs, steps);
      if (cell === undefined || floor === undefined || base === undefined) return [];
      const ours = cell.perStep.median;
      return [
        [
          id,
          `${latencyMs} ms`,
          ours.toFixed(2),
          `${base.toFixed(2)} (${floor})`,
          (ours - base).toFixed(2),
          `${(ours / base).toFixed(2)}×`,
        ],
      ];
    }),
  );
  return table(
    [
      "contender",
      "model latency",
      "per step ms",
      "bare + SDK alone ms",
      "added by the durable layer ms",
      "÷ (bare + SDK alone)",
    ],
    rows,
  );
}

function throughputTable(results: BenchResults): string {
  const cells = results.throughput;
  const columns = [...new Set(cells.map((c) => `${c.latencyMs}|${c.concurrency}`))];
  const rows = results.meta.contenders.flatMap(({ id }) => {
    const mine = cells.filter((c) => c.contender === id);
    if (mine.length === 0) return [];
    return [
      [
        id,
        ...columns.map((key) => {
          const cell = mine.find((c) => `${c.latencyMs}|${c.concurrency}` === key);
          return cell === undefined ? "" : rate(cell.agentsPerSecond);
        }),
      ],
    ];
  });
  const header = [
    "contender",
    ...columns.map((key) => {
      const [latency, concurrency] = key.split("|");
      return `${latency} ms, c=${concurrency}`;
    }),
  ];
  return table(header, rows);
}

function peersSection(results: BenchResults): string[] {
  return comparePeers(results).flatMap((comparison) => {
    const summary = [
      ["latency per step", ratioRange(comparison, "latency")],
      ["throughput", ratioRange(comparison, "throughput")],
      ["bytes per step", ratioRange(comparison, "bytes")],
      ["resumed attempt", ratioRange(comparison, "resumed")],
      ["kill → result", ratioRange(comparison, "kill")],
    ].flatMap(([label, range]) => (range === undefined ? [] : [`${label} ${range}`]));
    return [
      `### \`${comparison.ours}\` against \`${comparison.peer}\``,
      "",
      `${comparison.ours} ÷ ${comparison.peer}: ${summary.join(", ")}.`,
      "",
      table(
        ["figure", comparison.ours, comparison.peer, `${comparison.ours} ÷ ${comparison.peer}`],
        comparison.rows.map((r) => [
          r.figure,
          r.ours.toFixed(r.ours >= 100 ? 0 : 2),
          r.peer.toFixed(r.peer >= 100 ? 0 : 2),
          `${(r.ours / r.peer).toFixed(2)}× (${r.better} is better)`,
        ]),
      ),
      "",
    ];
  });
}

function recoveryTable(results: BenchResults): string {
  return table(
    [
      "contender",
      "kill → process ready ms",
      "kill → result ms",
      "model calls before / after the crash",
      "tool calls before / after",
    ],
    results.recovery.map((r) => [
      r.contender,
      ms(r.restartMs),
      finishedMs(r.killToResultMs, r.stalledRounds),
      `${r.modelCalls.beforeCrash} / ${r.modelCalls.afterCrash}`,
      `${r.toolCalls.beforeCrash} / ${r.toolCalls.afterCrash}`,
    ]),
  );
}

export function markdownReport(results: BenchResults): string {
  const { meta } = results;
  const latencies = [...new Set(results.latency.map((c) => c.latencyMs))];
  const throughputSteps = results.throughput[0]?.steps ?? 0;
  return [
    `# Bench results (${meta.mode})`,
    "",
    `${meta.date} · Node ${meta.node} · ${meta.cpu} · ${meta.cores} cores · ${meta.memoryGiB} GiB · restate-server ${meta.restateServer}${meta.postgres ? ` · Postgres ${meta.postgres}` : ""} · ${meta.durationSeconds} s. Absolute times depend on the machine; the ratios are the point.`,
    "",
    "## Targets",
    "",
    table(
      ["target", "measured", "met"],
      results.targets.map((t) => [t.target, t.measured, t.met ? "met" : "**not met**"]),
    ),
    "",
    "## Contenders",
    "",
    ...meta.contenders.map((c) => `- \`${c.id}\`: ${c.title}`),
    ...meta.leftOut.map((c) => `- **left out** \`${c.id}\`: ${c.reason}`),
    "",
    "Latency is measured by the client, through each system's normal entry: for Restate contenders an HTTP call to the restate-server's ingress (which journals the input, invokes the service over HTTP/2 and keeps the journal round trips of every step), for DBOS contenders an HTTP call to the service's own minimal HTTP endpoint (which starts the workflow in-process: a `workflow_status` row, a Postgres write per step, the final status update), for Vercel Workflow the same endpoint calling `start()` and awaiting `run.returnValue` (its local world writes each event and step as a JSON file, and the workflow function is re-run in a `node:vm` sandbox for every step), for plain contenders the same endpoint with no durability.",
    "",
    ...(comparePeers(results).length > 0
      ? ["## Against the alternatives", "", ...peersSection(results)]
      : []),
    ...latencies.flatMap((latencyMs) => [
      `## Latency, ${latencyMs} ms model latency`,
      "",
      "Wall time per agent run one after another (median, min–max), per step, and the per-step ratio to bare ctx.run.",
      "",
      latencyTable(results, latencyMs),
      "",
    ]),
    "## What the durable layer adds per step",
    "",
    "A durable agent cannot be cheaper than bare ctx.run (the Restate round trips and the model latency) plus its SDK's own work (the plain contender less the model latency). Per step of the longest agent, medians:",
    "",
    layerCostTable(results),
    "",
    `## Throughput (${throughputSteps}-step agents)`,
    "",
    "Completed agents per second with c agents in flight (median, min–max over rounds).",
    "",
    throughputTable(results),
    "",
    "## Bytes stored per LLM step",
    "",
    "Restate: the `sys_journal` entry sizes of one 20-step invocation. DBOS: the `operation_outputs` rows of one 20-step workflow (each step's serialised output and name, before Postgres's TOAST compression) plus its input and output in `workflow_status`. Vercel Workflow: the local world's run record, event files and step files of one 20-step run. Divided by the steps.",
    "",
    table(
      ["contender", "steps", "stored bytes", "bytes per step"],
      results.journal.map((j) => [
        j.contender,
        String(j.steps),
        String(j.bytes),
        String(Math.round(j.bytesPerStep)),
      ]),
    ),
    "",
    "## Replay after a crash",
    "",
    "A 20-step agent killed (SIGKILL) during step 19's model call: its resumed attempt (replaying 18 steps from the journal, running 2) against first runs of the same agent, all in the restarted and warmed-up process, each from the attempt's start to the result.",
    "",
    table(
      ["contender", "model latency", "first run ms", "resumed run ms", "resumed ÷ first"],
      results.replay.map((r) => [
        r.contender,
        `${r.latencyMs} ms`,
        ms(r.firstRunMs),
        finishedMs(r.replayMs, r.stalledRounds),
        r.ratio === undefined ? "" : `${(r.ratio * 100).toFixed(0)} %`,
      ]),
    ),
    "",
    "## Recovery after a crash: kill → result",
    "",
    "A 20-step agent killed (SIGKILL) during step 19's model call, its process restarted at once; from the kill to the client having the result, each system recovering with its default settings (Restate: retry 500 ms after the failed attempt, doubling; DBOS: pending workflows re-enqueued at launch, the queue polled about once a second; Vercel Workflow: the local world re-enqueues its active runs when it starts). 0 ms model latency. The calls are counted from the model's and the tool's own logs: 19 / 2 model calls means steps 1–19 ran before the crash (19 in flight) and only 19–20 after it — the 18 journaled steps were not called again.",
    "",
    recoveryTable(results),
    "",
    ...replayCpuSection(results),
    ...encryptionSection(results),
    ...uiStreamSection(results),
    ...costSection(results),
    "## Peak RSS of the service process",
    "",
    table(
      ["contender", "peak RSS MiB"],
      results.rss.map((r) => [r.contender, (r.peakRssBytes / 2 ** 20).toFixed(0)]),
    ),
    "",
    ...(results.cluster === undefined ? [] : clusterSection(results.cluster, meta.cores)),
  ].join("\n");
}
