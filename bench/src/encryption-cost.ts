/**
 * What journal encryption costs an agent, per step, in CPU time of the service process — which a
 * shared, busy machine does not blur the way it blurs wall time. For each encrypted contender, its
 * plain twin and itself are started fresh side by side and driven in turns: per round, a few
 * 20-step agents (0 ms model latency) on each, and the CPU time (user + system) each process spent
 * on them, per step. The journal bytes per step of both come from `journalBytes`.
 */
import { type Contender, contenders } from "./contender-list.ts";
import { journalBytes } from "./journal-size.ts";
import type { EncryptionCpuFigure } from "./results.ts";
import { RunningContender, type Systems } from "./running-contender.ts";
import { spread } from "./stats.ts";

const STEPS = 20;
const AGENTS_PER_ROUND = 3;

export async function encryptionCpuCost(
  systems: Systems,
  rounds: number,
  only?: Set<string>,
): Promise<EncryptionCpuFigure[]> {
  const figures: EncryptionCpuFigure[] = [];
  for (const encrypted of contenders.filter((c) => c.encrypts !== undefined)) {
    const plain = contenders.find((c) => c.id === encrypted.encrypts) as Contender;
    if (only !== undefined && !(only.has(encrypted.id) && only.has(plain.id))) continue;
    const pair = [await RunningContender.start(plain, systems)];
    try {
      pair.push(await RunningContender.start(encrypted, systems));
      const cpu = new Map(pair.map((p) => [p, [] as number[]]));
      for (const running of pair) await running.invoke({ steps: STEPS, latencyMs: 0 });
      for (let round = 0; round < rounds; round++) {
        for (const running of pair) {
          const before = await running.process.cpuMicros();
          for (let i = 0; i < AGENTS_PER_ROUND; i++) {
            await running.invoke({ steps: STEPS, latencyMs: 0 });
          }
          const micros = (await running.process.cpuMicros()) - before;
          cpu.get(running)?.push(micros / 1000 / (AGENTS_PER_ROUND * STEPS));
        }
      }
      const [off, on] = pair.map((p) => spread(cpu.get(p) ?? []));
      const [bytesOff, bytesOn] = await Promise.all(
        pair.map(async (p) => (await journalBytes(p, STEPS)) / STEPS),
      );
      if (off === undefined || on === undefined) continue;
      figures.push({
        contender: encrypted.id,
        encrypts: plain.id,
        steps: STEPS,
        cpuMsPerStepOff: off,
        cpuMsPerStepOn: on,
        journalBytesPerStepOff: bytesOff ?? 0,
        journalBytesPerStepOn: bytesOn ?? 0,
      });
    } finally {
      await Promise.all(pair.map((p) => p.stop()));
    }
  }
  return figures;
}
