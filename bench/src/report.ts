/**
 * The markdown report of a bench run: the targets first, then one table per figure. Every number
 * is a median with its min–max over the repetitions.
 */
import type { BenchResults, ClusterFigures } from "./results.ts";
import type { Spread } from "./stats.ts";
import { encryptionCost, floorPerStep } from "./targets.ts";

const ms = (s: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const rate = (s: Spread) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const rate3 = (s: Spread) => `${s.median.toFixed(3)} (${s.min.toFixed(3)}–${s.max.toFixed(3)})`;

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

function encryptionSection(results: BenchResults): string[] {
  if (results.codec.length === 0) return [];
  const codecRows = results.codec.map((c) => [
    String(c.valueBytes),
    c.compressed ? "deflate, then AES-256-GCM" : "AES-256-GCM",
    String(c.storedBytes),
    `${((c.storedBytes / c.valueBytes) * 100).toFixed(0)} %`,
    rate(c.microsPerEntry),
    (c.microsPerEntry.median / (c.valueBytes / 1024)).toFixed(1),
  ]);
  const cpuRows = results.encryptionCpu.map((e) => {
    const added = e.cpuMsPerStepOn.median - e.cpuMsPerStepOff.median;
    return [
      e.contender,
      rate3(e.cpuMsPerStepOff),
      rate3(e.cpuMsPerStepOn),
      added.toFixed(3),
      String(Math.round(e.journalBytesPerStepOff)),
      String(Math.round(e.journalBytesPerStepOn)),
      (added / (e.journalBytesPerStepOff / 1024)).toFixed(3),
    ];
  });
  const costs = encryptionCost(results);
  const costRows = costs.map((c) => [
    c.id,
    `${c.latencyMs} ms`,
    c.off.toFixed(2),
    c.on.toFixed(2),
    c.added.toFixed(2),
    String(Math.round(c.bytesOff)),
    c.bytesOn === undefined ? "" : String(Math.round(c.bytesOn)),
    c.perKiB.toFixed(2),
  ]);
  return [
    "## Journal encryption",
    "",
    "The codec on one journal value, in the driver process (no Restate): encode + decode, as every step's live path does (µs, median and min–max over batches).",
    "",
    table(
      [
        "value bytes",
        "codec",
        "stored bytes",
        "stored ÷ value",
        "encode + decode µs",
        "µs per KiB",
      ],
      codecRows,
    ),
    "",
    ...(cpuRows.length === 0
      ? []
      : [
          `CPU time of the service process per step of a ${results.encryptionCpu[0]?.steps}-step agent (0 ms model latency), the plain twin and the encrypted contender started side by side and driven in turns (ms, median and min–max over rounds):`,
          "",
          table(
            [
              "contender",
              "CPU ms/step, off",
              "on",
              "added ms",
              "journal B/step, off",
              "on",
              "added ms per KiB",
            ],
            cpuRows,
          ),
          "",
        ]),
    ...(costRows.length === 0
      ? []
      : [
          `Wall time, from the latency tables: the same agent with and without journal encryption, per step of the ${costs[0]?.steps}-step agent (medians; on a busy machine differences of a few tenths of a millisecond are noise — the CPU table above is the measurement):`,
          "",
          table(
            [
              "contender",
              "model latency",
              "per step ms, off",
              "on",
              "added ms",
              "journal B/step, off",
              "on",
              "added ms per KiB",
            ],
            costRows,
          ),
          "",
        ]),
  ];
}

const mib = (bytes?: number) => (bytes === undefined ? "n/a" : (bytes / 2 ** 20).toFixed(0));

function clusterSection(cluster: ClusterFigures, cores: number): string[] {
  return [
    `## One restate-server vs a ${cluster.nodes}-node cluster`,
    "",
    `Completed ${cluster.throughput[0]?.steps ?? 5}-step agents per second with ${cluster.throughput[0]?.concurrency ?? 64} in flight (median, min–max over rounds), on one restate-server and on a local ${cluster.nodes}-node cluster (replicated metadata and log, replication ${cluster.replication}), both with ${cluster.partitions} partitions, the same contender processes driven in turns; the cluster's clients spread over its nodes. On ${cores} cores the nodes share the cores one server had: the ratio is the cost of replication, not scale-out.`,
    "",
    table(
      [
        "contender",
        "model latency",
        "one node agents/s",
        `${cluster.nodes} nodes agents/s`,
        `${cluster.nodes} nodes ÷ one`,
      ],
      cluster.throughput.map((c) => [
        c.contender,
        `${c.latencyMs} ms`,
        rate(c.oneNode),
        rate(c.threeNodes),
        `${c.ratio.toFixed(2)}×`,
      ]),
    ),
    "",
    table(
      ["restate-server process", "RSS MiB", "peak RSS MiB"],
      cluster.rss.map((r) => [r.server, mib(r.rssBytes), mib(r.peakRssBytes)]),
    ),
    "",
  ];
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
    ...encryptionSection(results),
    ...uiStreamSection(results),
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
