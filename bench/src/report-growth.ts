/**
 * The report's sections on what replay costs in CPU, and on cost growth and memory: long agents
 * against the SDK alone, the long chat on a session key, and agents suspended on an approval.
 */
import { ms, rate3, table } from "./report-format.ts";
import type { BenchResults } from "./results.ts";

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const round = (x: number | undefined) => (x === undefined ? "—" : String(Math.round(x)));

export function replayCpuSection(results: BenchResults): string[] {
  const cells = results.replayCpu ?? [];
  if (cells.length === 0) return [];
  return [
    "## Replay in CPU time",
    "",
    `A finished ${cells[0]?.steps}-step agent restarted as a new invocation from its whole journal (Restate's \`restart-as-new\`): the attempt replays every step and runs none. CPU time of the service process per step, replayed and live (0 ms model latency; median and min–max over rounds, the contenders in turns).`,
    "",
    table(
      ["contender", "replay CPU ms/step", "live CPU ms/step", "replay ÷ live"],
      cells.map((c) => [
        c.contender,
        rate3(c.cpuMsPerStepReplay),
        rate3(c.cpuMsPerStepLive),
        `${(c.ratio * 100).toFixed(0)} %`,
      ]),
    ),
    "",
  ];
}

export function costSection(results: BenchResults): string[] {
  const runs = results.longRuns ?? [];
  const chat = results.longChat ?? [];
  const s = results.suspended;
  if (runs.length === 0 && chat.length === 0 && s === undefined) return [];
  const window = runs[0]?.window ?? chat[0]?.window;
  return [
    "## Long agents, a long chat, suspended agents",
    "",
    `Per-step time of the first and the last ${window} steps of one long agent (0 ms model latency, from the model calls' start times; median and min–max over runs), durable and the same SDK code alone: growth is last ÷ first. The journal bytes of a step (model call and tool step) at each end.`,
    "",
    table(
      [
        "contender",
        "steps",
        "first ms/step",
        "last ms/step",
        "growth",
        "SDK alone growth",
        "growth ÷ SDK's",
        "journal B/step first → last",
      ],
      runs.map((r) => [
        r.contender,
        String(r.steps),
        ms(r.firstMsPerStep),
        ms(r.lastMsPerStep),
        r.growth.toFixed(2),
        `${r.plainGrowth.toFixed(2)} (${r.plain})`,
        `${(r.growth / r.plainGrowth).toFixed(2)}×`,
        `${round(r.journalBytesFirst)} → ${round(r.journalBytesLast)}`,
      ]),
    ),
    "",
    `One chat of ${chat[0]?.messages ?? 0} messages on one session key, each message a one-turn Agents SDK run with the whole history as input: \`RestateSession\` in a virtual object against the SDK's \`MemorySession\` in a plain process. Mean time per message of the first and the last ${chat[0]?.window ?? 0}, and the state each sampled message's invocation read and wrote (its journal's state entries).`,
    "",
    table(
      [
        "contender",
        "first ms/message",
        "last ms/message",
        "growth",
        "state written B first → last",
        "state read B first → last",
      ],
      chat.map((c) => [
        c.contender,
        c.firstMsPerMessage.toFixed(2),
        c.lastMsPerMessage.toFixed(2),
        c.growth.toFixed(2),
        `${round(c.stateBytesWrittenFirst)} → ${round(c.stateBytesWrittenLast)}`,
        `${round(c.stateBytesReadFirst)} → ${round(c.stateBytesReadLast)}`,
      ]),
    ),
    "",
    ...(s === undefined
      ? []
      : [
          `${s.agents} agents each suspended on a human approval (restate-server suspends an idle invocation after 1 s): the service's V8 heap after a full GC ${mib(s.idleHeapBytes)} MiB idle, ${mib(s.suspendedHeapBytes)} MiB with all of them suspended (peak RSS ${mib(s.peakRssBytes)} MiB); then the service was killed and restarted, the approvals sent, and ${s.completedAfterRestart} of ${s.agents} completed.`,
          "",
        ]),
  ];
}
