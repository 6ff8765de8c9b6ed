/**
 * Replay cost without a crash, in CPU time of the service process: a finished 20-step agent is
 * restarted as a new invocation from its whole journal (Restate's admin API `restart-as-new` with
 * `from` = its last step's entry), so the new attempt replays every step and runs none — the
 * same work as a resumed attempt's replayed prefix, repeatable many times and timed by CPU, which
 * a shared machine blurs less than wall time. Per round, each contender runs a few live agents and
 * then as many replays; per step, the replay's CPU against the live run's.
 */
import type { RestateApi } from "@restate-ai/test-harness";
import type { ReplayCpuFigure } from "./results.ts";
import type { RunningContender } from "./running-contender.ts";
import { spread } from "./stats.ts";

const STEPS = 20;
/** Contenders compared: bare ctx.run, ours, and the smallest adapter on each SDK path. */
export const REPLAY_CPU_CONTENDERS = [
  "bare",
  "ours-generate",
  "minimal-generate",
  "ours-stream",
  "minimal-stream",
  "agents-durable",
  "minimal-agents",
];

export async function replayCpuCost(
  running: RunningContender[],
  restate: RestateApi,
  plan: { rounds: number; agents: number },
): Promise<ReplayCpuFigure[]> {
  const chosen = running.filter((r) => REPLAY_CPU_CONTENDERS.includes(r.contender.id));
  const journaled = new Map<RunningContender, () => Promise<unknown>>();
  for (const contender of chosen) journaled.set(contender, await replayer(contender, restate));
  const samples = new Map(chosen.map((c) => [c, { live: [] as number[], replay: [] as number[] }]));
  const input = { steps: STEPS, latencyMs: 0 };
  for (let round = 0; round < plan.rounds; round++) {
    for (const contender of chosen) {
      const replay = journaled.get(contender) as () => Promise<unknown>;
      const perStep = (micros: number) => micros / 1000 / (plan.agents * STEPS);
      let before = await contender.process.cpuMicros();
      for (let i = 0; i < plan.agents; i++) await contender.invoke(input);
      const live = perStep((await contender.process.cpuMicros()) - before);
      before = await contender.process.cpuMicros();
      for (let i = 0; i < plan.agents; i++) await replay();
      const replayed = perStep((await contender.process.cpuMicros()) - before);
      samples.get(contender)?.live.push(live);
      samples.get(contender)?.replay.push(replayed);
    }
  }
  return chosen.map((contender) => {
    const { live, replay } = samples.get(contender) as { live: number[]; replay: number[] };
    const cpuMsPerStepLive = spread(live);
    const cpuMsPerStepReplay = spread(replay);
    return {
      contender: contender.contender.id,
      steps: STEPS,
      cpuMsPerStepLive,
      cpuMsPerStepReplay,
      ratio: cpuMsPerStepReplay.median / cpuMsPerStepLive.median,
    };
  });
}

/** Runs one agent to its end; returns what replays its journal as a new invocation. */
async function replayer(contender: RunningContender, restate: RestateApi) {
  const { target } = contender.contender;
  if (!("service" in target)) throw new Error(`${contender.contender.id} has no journal`);
  const input = { steps: STEPS, latencyMs: 0 };
  const id = await restate.send(`${target.service}/run`, input);
  await restate.attach(id);
  const entries = await restate.query<{ index: number; entry_type: string }>(
    `SELECT index, entry_type FROM sys_journal WHERE id = '${id}' ORDER BY index`,
  );
  const lastStep = entries.filter((e) => !/Output/.test(e.entry_type)).at(-1)?.index;
  return async () => {
    const response = await fetch(
      `${restate.adminUrl}/invocations/${id}/restart-as-new?from=${lastStep}`,
      { method: "PATCH" },
    );
    if (!response.ok) {
      throw new Error(`restart-as-new of ${id}: ${response.status} ${await response.text()}`);
    }
    const { new_invocation_id } = (await response.json()) as { new_invocation_id: string };
    const steps = await restate.attach(new_invocation_id);
    if (Number(steps) !== STEPS) {
      throw new Error(`${contender.contender.id}: a replay returned ${String(steps)}`);
    }
  };
}
