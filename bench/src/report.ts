/**
 * The markdown report of a bench run: the targets first, then one table per figure. Every number
 * is a median with its min–max over the repetitions.
 */
import type { BenchResults } from "./results.ts";
import type { Spread } from "./stats.ts";
import { floorPerStep } from "./targets.ts";

const ms = (s: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const rate = (s: Spread) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

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

function uiStreamSection(results: BenchResults): string[] {
  const cells = results.uiStream ?? [];
  if (cells.length === 0) return [];
  return [
    "## UI streams at the SSE client",
    "",
    "A chat UI's view: plain `streamText().toUIMessageStreamResponse()` over HTTP against ours (`durableCalls` + `publishChatStream` through the `ChatStreams` log and the chat endpoint). Time from sending the chat request to the first text chunk, chunks per second over the stream (median, min–max), and ours' appends to the log for the model step.",
    "",
    table(
      [
        "contender",
        "tokens",
        "ms per token",
        "first text chunk ms",
        "chunks/s",
        "appends per step",
      ],
      cells.map((c) => [
        c.contender,
        String(c.tokens),
        String(c.tokenMs),
        ms(c.ttfcMs),
        `${Math.round(c.chunksPerSecond.median)} (${Math.round(c.chunksPerSecond.min)}–${Math.round(c.chunksPerSecond.max)})`,
        c.appendsPerStep === undefined ? "—" : String(c.appendsPerStep.median),
      ]),
    ),
    "",
  ];
}

export function markdownReport(results: BenchResults): string {
  const { meta } = results;
  const latencies = [...new Set(results.latency.map((c) => c.latencyMs))];
  const throughputSteps = results.throughput[0]?.steps ?? 0;
  return [
    `# Bench results (${meta.mode})`,
    "",
    `${meta.date} · Node ${meta.node} · ${meta.cpu} · ${meta.cores} cores · ${meta.memoryGiB} GiB · restate-server ${meta.restateServer} · ${meta.durationSeconds} s. Absolute times depend on the machine; the ratios are the point.`,
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
    "",
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
    "## Journal bytes per LLM step",
    "",
    table(
      ["contender", "steps", "journal bytes", "bytes per step"],
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
        ms(r.replayMs),
        `${(r.ratio * 100).toFixed(0)} %`,
      ]),
    ),
    "",
    ...uiStreamSection(results),
    "## Peak RSS of the service process",
    "",
    table(
      ["contender", "peak RSS MiB"],
      results.rss.map((r) => [r.contender, (r.peakRssBytes / 2 ** 20).toFixed(0)]),
    ),
    "",
  ].join("\n");
}
