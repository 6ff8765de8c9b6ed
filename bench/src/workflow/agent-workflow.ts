/**
 * The bench agent as a Vercel Workflow: `WorkflowAgent` from `@ai-sdk/workflow` in a
 * `"use workflow"` function, the scripted model (made serialisable, as the model instance
 * crosses into each model-call step), one `lookup` tool whose `execute` is a `"use step"`.
 * Compiled by workflow-bundle.ts; the `"use …"` directives mean nothing without that build.
 */
import { WorkflowAgent } from "@ai-sdk/workflow";
import { WORKFLOW_DESERIALIZE, WORKFLOW_SERIALIZE } from "@workflow/serde";
import { z } from "zod";
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { type AgentInput, lookup } from "../scripted-step.ts";

/**
 * @ai-sdk/workflow pins its own @ai-sdk/provider (4.0.18), whose types differ from the bench's
 * in union members the scripted model never returns; the runtime interface is the same.
 */
type WorkflowAgentModel = ConstructorParameters<typeof WorkflowAgent>[0]["model"];

export class SerializableScriptedModel extends ScriptedLanguageModel {
  readonly latency: number;

  constructor(latencyMs: number) {
    super(latencyMs);
    this.latency = latencyMs;
  }

  static [WORKFLOW_SERIALIZE](model: SerializableScriptedModel) {
    return { latencyMs: model.latency };
  }

  static [WORKFLOW_DESERIALIZE](data: { latencyMs: number }) {
    return new SerializableScriptedModel(data.latencyMs);
  }
}

async function lookupStep({ step }: { step: number }) {
  "use step";
  return lookup(step);
}

export async function benchAgentWorkflow(input: AgentInput) {
  "use workflow";
  let steps = 0;
  const agent = new WorkflowAgent({
    model: new SerializableScriptedModel(input.latencyMs) as unknown as WorkflowAgentModel,
    tools: {
      lookup: {
        description: "Look up the record of a step.",
        inputSchema: z.object({ step: z.number() }),
        execute: lookupStep,
      },
    },
  });
  const result = await agent.stream({
    prompt: "Look up the records, one step at a time.",
    stopWhen: () => ++steps >= input.steps,
  });
  return result.steps.length;
}
