/**
 * Recovery after a crash, as a user sees it: a 20-step agent is killed (SIGKILL) during step 19's
 * model call and its process restarted at once, as a supervisor would; the figure is the time
 * from the kill to the client seeing the agent's result. Each system recovers the way it does
 * with its default settings: Restate retries the invocation on its default retry policy (first
 * retry 500 ms after the failed attempt, then doubling), so this figure runs against a
 * restate-server with default settings; DBOS re-enqueues the executor's pending workflows when
 * the restarted process launches, and its queue runner (polling once a second by default)
 * starts them.
 *
 * The model and the tool log each call, and the run fails unless, before the crash, the model
 * ran once for each of steps 1–19 (19 being the one in flight) and the tool once for 1–18, and
 * after it exactly steps 19 and 20 ran: the 18 journaled steps came back from the journal, and
 * no journaled model call or tool call was made twice. An agent not finished `CRASH_WAIT_MS`
 * after the kill is recorded as stalled (Vercel Workflow's local world does that at times).
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Contender } from "./contender-list.ts";
import { CRASH_WAIT_MS, KILL_AT_STEP, REPLAY_STEPS } from "./replay.ts";
import { RunningContender, StalledError, type Systems } from "./running-contender.ts";

export interface RecoveryRun {
  /** SIGKILL → the restarted process is ready (listening; for DBOS, launched). */
  restartMs: number;
  /** SIGKILL → the client has the agent's result; undefined when it stalled. */
  killToResultMs?: number;
  modelCalls: { beforeCrash: number; afterCrash: number };
  toolCalls: { beforeCrash: number; afterCrash: number };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The steps (0-based) `kind` ran for, in the order logged. */
const callsOf = (output: string, kind: "model" | "tool") =>
  [...output.matchAll(new RegExp(`^${kind}-call (\\d+)$`, "gm"))].map((m) => Number(m[1]));

function expectCalls(id: string, what: string, actual: number[], expected: number[]): void {
  if (actual.join(",") !== expected.join(",")) {
    throw new Error(`${id}: ${what} ran for steps [${actual}], expected [${expected}]`);
  }
}

export async function recoveryRun(contender: Contender, systems: Systems): Promise<RecoveryRun> {
  const input = { steps: REPLAY_STEPS, latencyMs: 0 };
  const held = KILL_AT_STEP - 1;
  const running = await RunningContender.start(contender, systems, {
    BENCH_TRACE_CALLS: "1",
    BENCH_HOLD_AT_STEP: String(KILL_AT_STEP),
  });
  try {
    const id = await running.send(input);
    while (!running.process.output().includes(`holding at step ${KILL_AT_STEP}`)) await sleep(5);
    const beforeCrash = running.process.output();
    const killedAt = performance.now();
    await running.process.restart({ BENCH_HOLD_AT_STEP: "" });
    const restartMs = performance.now() - killedAt;
    const finished = await running.attach(id, input, CRASH_WAIT_MS).then(
      () => true,
      (error: unknown) => {
        if (error instanceof StalledError) return false;
        throw error;
      },
    );
    const killToResultMs = performance.now() - killedAt;

    const output = running.process.output();
    if (!output.startsWith(beforeCrash)) throw new Error(`${contender.id}: output was truncated`);
    const afterCrash = output.slice(beforeCrash.length);
    const model = { before: callsOf(beforeCrash, "model"), after: callsOf(afterCrash, "model") };
    const tool = { before: callsOf(beforeCrash, "tool"), after: callsOf(afterCrash, "tool") };
    expectCalls(contender.id, "the model before the crash", model.before, range(0, held + 1));
    expectCalls(contender.id, "the tool before the crash", tool.before, range(0, held));
    if (finished) {
      expectCalls(contender.id, "the model after it", model.after, range(held, REPLAY_STEPS));
      expectCalls(contender.id, "the tool after it", tool.after, range(held, REPLAY_STEPS));
    }
    return {
      restartMs,
      ...(finished ? { killToResultMs } : {}),
      modelCalls: { beforeCrash: model.before.length, afterCrash: model.after.length },
      toolCalls: { beforeCrash: tool.before.length, afterCrash: tool.after.length },
    };
  } finally {
    await running.stop();
  }
}
