/**
 * Replay cost. A 20-step agent is killed (SIGKILL) while its model call of step 19 is in flight.
 * The process is restarted, with the crashed agent's recovery held back, and warmed up with a few
 * ordinary 20-step agents (their times are the first-run figure); then the driver resumes the
 * killed agent, whose next attempt replays steps 1–18 from the journal and runs 19–20. Every run
 * is timed from the attempt's start to the client seeing the result, so process start-up, JIT
 * warm-up and each system's recovery delay count on neither side.
 *
 * Holding back and resuming: Restate's retry interval is set longer than any warm-up, and the
 * driver then resumes the backing-off invocation (Restate's resume API retries it at once); DBOS
 * and the Workflow SDK's local world recover a process's crashed agents when it starts, so their
 * processes restart with that held back (`deferredRecoveryEnv`) and are resumed with
 * `DBOS.resumeWorkflow` (the same internal queue recovery uses) or the local world's start-up
 * recovery, run then.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Contender } from "./contender-list.ts";
import {
  deferredRecoveryEnv,
  RunningContender,
  StalledError,
  type Systems,
} from "./running-contender.ts";

export const REPLAY_STEPS = 20;
export const KILL_AT_STEP = 19;
/** How long the crash figures wait for a crashed agent's result before calling it stalled. */
export const CRASH_WAIT_MS = 20_000;
/**
 * Restate's first retry after a failed attempt comes this late (restate-server setting), longer
 * than any warm-up; the replay figure resumes the attempt explicitly.
 */
export const RETRY_INTERVAL = "1m";

export interface ReplayTiming {
  firstRunMs: number[];
  /** Undefined when the resumed agent had not finished `CRASH_WAIT_MS` after the resume. */
  replayMs?: number;
}

export async function replayTiming(
  contender: Contender,
  systems: Systems,
  latencyMs: number,
  warmup: { warmups: number; timed: number },
): Promise<ReplayTiming> {
  const input = { steps: REPLAY_STEPS, latencyMs };
  const running = await RunningContender.start(contender, systems, {
    BENCH_TRACE_ATTEMPTS: "1",
    BENCH_HOLD_AT_STEP: String(KILL_AT_STEP),
  });
  const attemptStarts = (id: string) =>
    [...running.process.output().matchAll(new RegExp(`attempt-start ${id} (\\d+)`, "g"))].map((m) =>
      Number(m[1]),
    );
  const timedRun = async (id: string, timeoutMs?: number) => {
    await running.attach(id, input, timeoutMs);
    const start = attemptStarts(id).at(-1);
    if (start === undefined) throw new Error(`${contender.id}: no attempt of ${id} was traced`);
    return Date.now() - start;
  };
  try {
    const killed = await running.send(input);
    while (!running.process.output().includes(`holding at step ${KILL_AT_STEP}`)) await sleep(5);
    await running.process.restart({ BENCH_HOLD_AT_STEP: "", ...deferredRecoveryEnv(contender) });

    const firstRunMs: number[] = [];
    for (let i = 0; i < warmup.warmups; i++) {
      const ms = await timedRun(await running.send(input));
      if (i >= warmup.warmups - warmup.timed) firstRunMs.push(ms);
    }
    if (attemptStarts(killed).length > 1) {
      throw new Error(`${contender.id}: the killed agent resumed during the warm-up`);
    }
    await running.resume(killed);
    try {
      return { firstRunMs, replayMs: await timedRun(killed, CRASH_WAIT_MS) };
    } catch (error) {
      if (error instanceof StalledError) return { firstRunMs };
      throw error;
    }
  } finally {
    await running.stop();
  }
}
