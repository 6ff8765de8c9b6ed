/**
 * Replay cost. A 20-step agent is killed (SIGKILL) while its model call of step 19 is in flight.
 * The process is restarted and warmed up with a few ordinary 20-step agents (their times are the
 * first-run figure) while Restate waits out its retry interval; then the killed agent's next
 * attempt replays steps 1–18 from the journal and runs 19–20. Every run is timed from the
 * attempt's start in the handler to the client seeing the result, so process start-up, JIT
 * warm-up and Restate's retry interval count on neither side.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RestateServer } from "@restate-ai/test-harness";
import type { Contender } from "./contender-list.ts";
import { RunningContender } from "./running-contender.ts";

export const REPLAY_STEPS = 20;
export const KILL_AT_STEP = 19;
/** Restate's first retry after a failed attempt comes this late (restate-server setting). */
export const RETRY_INTERVAL = "4s";
const WARMUP_RUNS = 4;
const TIMED_WARMUP_RUNS = 3;

export interface ReplayTiming {
  firstRunMs: number[];
  replayMs: number;
}

export async function replayTiming(
  contender: Contender,
  restate: RestateServer,
  latencyMs: number,
): Promise<ReplayTiming> {
  if (!("service" in contender.target)) throw new Error(`${contender.id} does not replay`);
  const target = `${contender.target.service}/run`;
  const input = { steps: REPLAY_STEPS, latencyMs };
  const running = await RunningContender.start(contender, restate, {
    BENCH_TRACE_ATTEMPTS: "1",
    BENCH_HOLD_AT_STEP: String(KILL_AT_STEP),
  });
  const attemptStarts = (id: string) =>
    [...running.process.output().matchAll(new RegExp(`attempt-start ${id} (\\d+)`, "g"))].map((m) =>
      Number(m[1]),
    );
  const timedRun = async (id: string) => {
    const steps = await restate.attach<number>(id, 60_000);
    if (steps !== REPLAY_STEPS) throw new Error(`${contender.id}: ${id} made ${steps} steps`);
    const start = attemptStarts(id).at(-1);
    if (start === undefined) throw new Error(`${contender.id}: no attempt of ${id} was traced`);
    return Date.now() - start;
  };
  restate.useCodec(running.codec);
  try {
    const killed = await restate.send(target, input);
    while (!running.process.output().includes(`holding at step ${KILL_AT_STEP}`)) await sleep(5);
    await running.process.restart({ BENCH_HOLD_AT_STEP: "" });

    const firstRunMs: number[] = [];
    for (let i = 0; i < WARMUP_RUNS; i++) {
      const ms = await timedRun(await restate.send(target, input));
      if (i >= WARMUP_RUNS - TIMED_WARMUP_RUNS) firstRunMs.push(ms);
    }
    if (attemptStarts(killed).length > 1) {
      throw new Error(
        `${contender.id}: the killed agent resumed during the warm-up; raise RETRY_INTERVAL`,
      );
    }
    return { firstRunMs, replayMs: await timedRun(killed) };
  } finally {
    restate.useCodec(undefined);
    await running.stop();
  }
}
