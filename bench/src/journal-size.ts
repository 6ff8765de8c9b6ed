/**
 * Bytes stored per LLM step: what the system stored for one agent (Restate: its `sys_journal`
 * entries; DBOS: its `operation_outputs` rows and workflow input/output — see
 * `RunningContender.storedBytes`), divided by its steps.
 */
import type { RunningContender } from "./running-contender.ts";

export async function journalBytes(running: RunningContender, steps: number): Promise<number> {
  const input = { steps, latencyMs: 0 };
  const id = await running.send(input);
  await running.attach(id, input);
  const bytes = await running.storedBytes(id);
  if (!(bytes > 0)) throw new Error(`nothing stored for ${running.contender.id} (${id})`);
  return bytes;
}
