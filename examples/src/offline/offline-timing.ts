/**
 * How long the offline model takes: like a real model it is not instant, so streaming and crashes
 * in the middle of a step can be seen. `OFFLINE_MODEL_LATENCY_MS` (default 150) per call, a tenth
 * of it per streamed part (or `OFFLINE_MODEL_TOKEN_MS`, which the web chat sets to stream token by
 * token at a human pace); reasoning models (`o1`, `o3`...) take ten times longer. With
 * `OFFLINE_MODEL_LOG=1` every call is logged, so a demo can count the model calls.
 */
import { setTimeout as sleep } from "node:timers/promises";

const latencyMs = Number(process.env.OFFLINE_MODEL_LATENCY_MS ?? 150);
const tokenMs = process.env.OFFLINE_MODEL_TOKEN_MS;

export function pause(modelId: string, what: "call" | "delta" = "call"): Promise<void> {
  const base = /^o\d/.test(modelId) ? latencyMs * 10 : latencyMs;
  const ms = what === "call" ? base : tokenMs === undefined ? base / 10 : Number(tokenMs);
  return ms > 0 ? sleep(ms) : Promise.resolve();
}

/** A rough token count for usage figures. */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Logs a model call when `OFFLINE_MODEL_LOG` is set. */
export function logCall(modelId: string, kind: "generate" | "stream"): void {
  if (process.env.OFFLINE_MODEL_LOG) console.log(`[offline model] ${kind} call to ${modelId}`);
}
