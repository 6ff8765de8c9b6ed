/**
 * The report's sections on journal encryption, one restate-server against a cluster, and UI
 * streams at the SSE client.
 */
import { ms, rate, rate3, table } from "./report-format.ts";
import type { BenchResults, ClusterFigures } from "./results.ts";
import { encryptionCost } from "./targets.ts";

export function encryptionSection(results: BenchResults): string[] {
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

export function clusterSection(cluster: ClusterFigures, cores: number): string[] {
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

export function uiStreamSection(results: BenchResults): string[] {
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
