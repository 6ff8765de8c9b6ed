/**
 * Journal bytes per LLM step: the sum of the `sys_journal` entry sizes of one invocation (input,
 * model calls, tool steps, output) divided by its steps.
 */
import type { RestateServer } from "@restate-ai/test-harness";
import type { RunningContender } from "./running-contender.ts";

export async function journalBytes(
  restate: RestateServer,
  running: RunningContender,
  steps: number,
): Promise<number> {
  const { target } = running.contender;
  if (!("service" in target)) throw new Error(`${running.contender.id} has no journal`);
  await running.invoke({ steps, latencyMs: 0 });
  const [latest] = await restate.query<{ id: string }>(
    `SELECT id FROM sys_invocation WHERE target = '${target.service}/run' ORDER BY created_at DESC LIMIT 1`,
  );
  const [sum] = await restate.query<{ bytes: number }>(
    `SELECT SUM(raw_length) AS bytes FROM sys_journal WHERE id = '${latest?.id}'`,
  );
  const bytes = Number(sum?.bytes);
  if (!(bytes > 0)) throw new Error(`no journal for ${running.contender.id} (${latest?.id})`);
  return bytes;
}
