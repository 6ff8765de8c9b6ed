/**
 * The one script every contender follows: at step k the model asks for one `lookup` tool call with
 * `{ step: k }`, after the configured model latency. The agents stop after the configured number
 * of steps, so an n-step agent makes n model calls and n tool calls.
 *
 * `BENCH_HOLD_AT_STEP=k` (1-based) makes the model hang at step k, so the replay figure can kill the
 * process there. `BENCH_TRACE_CALLS` logs every model and tool call (`model-call k`, `tool-call k`),
 * so the recovery figure can count them.
 *
 * No Node module imports and no `process` at module scope: the Vercel Workflow contender's
 * workflow bundle includes this file, and its sandbox has neither (the functions only run in
 * steps, where both exist).
 */

export interface AgentInput {
  steps: number;
  latencyMs: number;
}

export interface StepResult {
  toolCallId: string;
  toolName: "lookup";
  input: string;
  usage: { inputTokens: number; outputTokens: number };
}

const env = (name: string) => globalThis.process?.env[name];
const traceCalls = () => Boolean(env("BENCH_TRACE_CALLS"));

/** What the model decides at step `k` (0-based), after `latencyMs`. */
export async function scriptedStep(k: number, latencyMs: number): Promise<StepResult> {
  if (traceCalls()) console.log(`model-call ${k}`);
  if (k + 1 === Number(env("BENCH_HOLD_AT_STEP") ?? 0)) {
    console.log(`holding at step ${k + 1}`);
    await new Promise(() => {});
  }
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  return {
    toolCallId: `call_${k}_${"x".repeat(16)}`,
    toolName: "lookup",
    input: JSON.stringify({ step: k }),
    usage: { inputTokens: 120 + 40 * k, outputTokens: 18 },
  };
}

/** The tool's work: a small record, as a real lookup would return. */
export function lookup(step: number) {
  if (traceCalls()) console.log(`tool-call ${step}`);
  return { step, value: `record ${step}`, source: "bench" };
}

/** Logged at handler entry when BENCH_TRACE_ATTEMPTS is set: the replay figure times attempts. */
export function traceAttemptStart(invocationId: string): void {
  if (env("BENCH_TRACE_ATTEMPTS")) console.log(`attempt-start ${invocationId} ${Date.now()}`);
}
