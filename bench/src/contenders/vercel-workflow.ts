/**
 * Vercel Workflow: `WorkflowAgent` (`@ai-sdk/workflow`) in a `"use workflow"` function, on the
 * Workflow SDK's local world (`@workflow/world-local`: runs, steps and events as JSON files in
 * `$BENCH_WORKFLOW_DATA`, an in-process queue), compiled beforehand by workflow-bundle.ts. The
 * queue hands messages to the compiled handler directly, as the SDK's Vitest plugin sets it up;
 * a framework app (Next.js, Nitro…) would receive the same messages over loopback HTTP. Served by
 * the bench's minimal HTTP entry (`plain-entry.ts`), like DBOS.
 *
 * The local world re-enqueues the runs it finds active when it starts (`recoverActiveRuns`).
 * `BENCH_DEFER_RECOVERY` postpones that until `resume`, so the replay figure can warm up first.
 * The workflow function itself re-runs for every step, in a sandbox with a recorded clock, so
 * attempts are traced here, where `start` and `resume` are called.
 */
import { pathToFileURL } from "node:url";
import { setWorld } from "@workflow/core/runtime";
import { createWorld } from "@workflow/world-local";
import { getRun, start } from "workflow/api";
import type { AgentInput } from "../scripted-step.ts";
import { benchWorkflowId, combinedHandler } from "../workflow/bundle-paths.ts";

const dataDir = process.env.BENCH_WORKFLOW_DATA;
if (dataDir === undefined) throw new Error("BENCH_WORKFLOW_DATA is not set");

const world = createWorld({ dataDir, recoverActiveRuns: true });
const { POST } = (await import(pathToFileURL(combinedHandler).href)) as {
  POST: (request: Request) => Promise<Response>;
};
world.registerHandler("__wkf_workflow_", (request) => POST(request));
setWorld(world);
if (!process.env.BENCH_DEFER_RECOVERY) await world.start?.();

const traceAttempt = (id: string, at: number) => {
  if (process.env.BENCH_TRACE_ATTEMPTS) console.log(`attempt-start ${id} ${at}`);
};

const startAgent = async (input: AgentInput) => {
  const at = Date.now();
  const run = await start({ workflowId: benchWorkflowId }, [input]);
  traceAttempt(run.runId, at);
  return run;
};

export const handlers = {
  run: async (input: AgentInput) => (await startAgent(input)).returnValue,
  start: async ({ input }: { input: AgentInput }) => (await startAgent(input)).runId,
  result: ({ id }: { id: string }) => getRun(id).returnValue,
  resume: async ({ id }: { id: string }) => {
    traceAttempt(id, Date.now());
    await world.start?.();
    return id;
  },
};
