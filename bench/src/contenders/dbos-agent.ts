/**
 * DBOS: `@dbos-inc/vercel-ai` on `@dbos-inc/dbos-sdk`, as its README shows — the model wrapped
 * with its `durableCalls()`, the agent run inside a registered workflow, the tool's work in
 * `DBOS.runStep`; with `generateText` and `streamText`. DBOS is a library, not a server: its
 * normal entry is the application's own HTTP endpoint, here the bench's minimal one
 * (`plain-entry.ts`), which runs the workflow in-process and answers with its result.
 *
 * `start`, `result` and `resume` are for the crash figures: start a workflow without waiting,
 * wait for one (polling its status every 5 ms, not DBOS's default second), and resume one.
 */
import { DBOS } from "@dbos-inc/dbos-sdk";
import { durableCalls } from "@dbos-inc/vercel-ai";
import { wrapLanguageModel } from "ai";
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { type AgentInput, lookup, traceAttemptStart } from "../scripted-step.ts";
import { lookupTool, runAiSdkAgent } from "./ai-sdk-agent.ts";

const agent = (stream: boolean) =>
  DBOS.registerWorkflow(
    async (input: AgentInput) => {
      traceAttemptStart(DBOS.workflowID ?? "");
      const model = wrapLanguageModel({
        model: new ScriptedLanguageModel(input.latencyMs),
        middleware: durableCalls({ maxAttempts: 3 }),
      });
      const tools = {
        lookup: lookupTool((step) => DBOS.runStep(async () => lookup(step), { name: "lookup" })),
      };
      return runAiSdkAgent({ model, tools, steps: input.steps, stream });
    },
    { name: stream ? "benchStream" : "benchGenerate" },
  );

const generateWorkflow = agent(false);
const streamWorkflow = agent(true);
/** Called as plain functions: DBOS takes a workflow called as a method for a class instance's. */
const workflows = { generate: generateWorkflow, stream: streamWorkflow };

const systemDatabaseUrl = process.env.DBOS_SYSTEM_DATABASE_URL;
if (systemDatabaseUrl === undefined) throw new Error("DBOS_SYSTEM_DATABASE_URL is not set");
DBOS.setConfig({
  name: "restate-ai-bench",
  systemDatabaseUrl,
  logLevel: "warn",
  ...(process.env.BENCH_DBOS_EXECUTOR ? { executorID: process.env.BENCH_DBOS_EXECUTOR } : {}),
});
await DBOS.launch();

type Workflow = keyof typeof workflows;

export const handlers = {
  generate: (input: AgentInput) => generateWorkflow(input),
  stream: (input: AgentInput) => streamWorkflow(input),
  start: async ({ workflow, input }: { workflow: Workflow; input: AgentInput }) =>
    (await DBOS.startWorkflow(workflows[workflow])(input)).workflowID,
  result: ({ id }: { id: string }) =>
    DBOS.retrieveWorkflow<number>(id).getResult({ pollingIntervalMs: 5 }),
  resume: async ({ id }: { id: string }) => (await DBOS.resumeWorkflow(id)).workflowID,
};
