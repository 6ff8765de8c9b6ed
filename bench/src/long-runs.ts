/**
 * Cost growth: 200- and 1,000-step agents of either SDK, plain and durable, and a chat of 1,000
 * messages on a `RestateSession` against the same chat on the SDK's `MemorySession`. What a long
 * run costs at its end against its start tells what is O(history) per step: the SDK's own (the
 * prompt grows, the plain contender shows it) and anything of ours beyond it (the durable ÷ plain
 * growth). Journal bytes per step, and the state a chat message reads and writes, must stay flat.
 */
import { fileURLToPath } from "node:url";
import { type RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import type { BenchPlan } from "./bench-plan.ts";
import type { LongRun } from "./contenders/long-runs.ts";
import type { LongChatFigure, LongRunFigure } from "./results.ts";
import { spread } from "./stats.ts";

const module = fileURLToPath(new URL("./contenders/long-runs.ts", import.meta.url));
const plainEntry = fileURLToPath(new URL("./plain-entry.ts", import.meta.url));

const AGENTS = [
  { plain: "plain-generate", durable: "ours-generate", handler: "generate" },
  { plain: "plain-stream", durable: "ours-stream", handler: "stream" },
  { plain: "agents-plain", durable: "agents-durable", handler: "agents" },
] as const;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Mean duration of the first and the last `window` steps, from the model calls' start times. */
function ends(times: number[], window: number) {
  const durations = times.slice(1).map((t, i) => t - (times[i] as number));
  return {
    first: mean(durations.slice(0, window)),
    last: mean(durations.slice(-window)),
  };
}

export async function measureLongRuns(
  restate: RestateServer,
  plan: BenchPlan,
  log: (line: string) => void,
): Promise<{ runs: LongRunFigure[]; chat: LongChatFigure[] }> {
  const env = { RESTATE_LOGGING: "WARN" };
  const durable = await ServiceProcess.start(module, { guardNetwork: false, env });
  const plain = await ServiceProcess.start(module, { guardNetwork: false, env, entry: plainEntry });
  try {
    await restate.register(durable.url);
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${plain.url}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as LongRun;
    };
    const runs: LongRunFigure[] = [];
    const { window } = plan.longRuns;
    for (const steps of plan.longRuns.steps) {
      for (const agent of AGENTS) {
        const growth = { plain: [] as number[], durable: [] as number[] };
        const perStep = { first: [] as number[], last: [] as number[] };
        const bytes = { first: [] as number[], last: [] as number[] };
        for (let rep = 0; rep < plan.longRuns.reps; rep++) {
          const own = await post(agent.handler, { steps });
          checkRun(agent.plain, own, steps);
          const plainEnds = ends(own.times, window);
          growth.plain.push(plainEnds.last / plainEnds.first);
          const id = await restate.send(`BenchLongRuns/${agent.handler}`, { steps });
          const ours = await restate.attach<LongRun>(id, 600_000);
          checkRun(agent.durable, ours, steps);
          const durableEnds = ends(ours.times, window);
          growth.durable.push(durableEnds.last / durableEnds.first);
          perStep.first.push(durableEnds.first);
          perStep.last.push(durableEnds.last);
          const stepBytes = await journalBytesPerStep(restate, id);
          bytes.first.push(mean(stepBytes.slice(0, window)));
          bytes.last.push(mean(stepBytes.slice(-window)));
        }
        const plainGrowth = spread(growth.plain).median;
        const durableGrowth = spread(growth.durable).median;
        runs.push({
          contender: agent.durable,
          plain: agent.plain,
          steps,
          window,
          firstMsPerStep: spread(perStep.first),
          lastMsPerStep: spread(perStep.last),
          growth: durableGrowth,
          plainGrowth,
          journalBytesFirst: spread(bytes.first).median,
          journalBytesLast: spread(bytes.last).median,
        });
        log(
          `long agents, ${agent.durable}, ${steps} steps: last ÷ first ${window} steps ${durableGrowth.toFixed(2)} (plain ${plainGrowth.toFixed(2)})`,
        );
      }
    }
    return { runs, chat: await longChat(restate, plan, post) };
  } finally {
    await Promise.all([durable.stop(), plain.stop()]);
  }
}

function checkRun(contender: string, run: LongRun, steps: number) {
  if (run.steps !== steps || run.times.length !== steps) {
    throw new Error(
      `${contender}: expected ${steps} steps, got ${run.steps} (${run.times.length} model calls)`,
    );
  }
}

/** The bytes of each step's entries (a model call and a tool step, 4 entries), in order. */
async function journalBytesPerStep(restate: RestateServer, id: string): Promise<number[]> {
  const rows = await restate.query<{ index: number; bytes: number }>(
    `SELECT index, raw_length AS bytes FROM sys_journal WHERE id = '${id}' ORDER BY index`,
  );
  const steps: number[] = [];
  // entry 0 is the input, the last one the output
  for (let i = 1; i + 4 <= rows.length - 1; i += 4) {
    steps.push(rows.slice(i, i + 4).reduce((sum, row) => sum + Number(row.bytes), 0));
  }
  return steps;
}

async function longChat(
  restate: RestateServer,
  plan: BenchPlan,
  post: (path: string, body: unknown) => Promise<LongRun>,
): Promise<LongChatFigure[]> {
  const { messages, window } = plan.longChat;
  const chatId = `chat-${Date.now()}`;
  const plainTimes: number[] = [];
  const durableTimes: number[] = [];
  const written: number[] = [];
  const read: number[] = [];
  const sampled = (m: number) => m < window || m >= messages - window;
  for (let m = 0; m < messages; m++) {
    const text = `Message ${m}: please note this.`;
    let started = performance.now();
    await post("chat", { chatId, text });
    plainTimes.push(performance.now() - started);
    started = performance.now();
    if (!sampled(m)) {
      await restate.call(`BenchLongChat/${chatId}/message`, text);
      durableTimes.push(performance.now() - started);
      continue;
    }
    const id = await restate.send(`BenchLongChat/${chatId}/message`, text);
    await restate.attach(id);
    durableTimes.push(performance.now() - started);
    const state = await restate.query<{ entry_type: string; bytes: number }>(
      `SELECT entry_type, raw_length AS bytes FROM sys_journal WHERE id = '${id}' AND entry_type LIKE '%State%'`,
    );
    written.push(sumOf(state.filter((e) => /Set|Clear/.test(e.entry_type))));
    read.push(sumOf(state.filter((e) => /Get/.test(e.entry_type))));
  }
  const figure = (
    contender: LongChatFigure["contender"],
    times: number[],
    stateBytes?: { w: number[]; r: number[] },
  ) => {
    const first = mean(times.slice(0, window));
    const last = mean(times.slice(-window));
    return {
      contender,
      messages,
      window,
      firstMsPerMessage: first,
      lastMsPerMessage: last,
      growth: last / first,
      ...(stateBytes === undefined
        ? {}
        : {
            stateBytesWrittenFirst: mean(stateBytes.w.slice(0, window)),
            stateBytesWrittenLast: mean(stateBytes.w.slice(-window)),
            stateBytesReadFirst: mean(stateBytes.r.slice(0, window)),
            stateBytesReadLast: mean(stateBytes.r.slice(-window)),
          }),
    };
  };
  return [
    figure("agents-plain-chat", plainTimes),
    figure("agents-durable-chat", durableTimes, { w: written, r: read }),
  ];
}

const sumOf = (rows: { bytes: number }[]) => rows.reduce((sum, row) => sum + Number(row.bytes), 0);
