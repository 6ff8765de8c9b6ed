import { Agent, handoff } from "@openai/agents";
import { assistantMessage, modelResponse, ScriptedModel } from "@openai/agents-core/testing";
import { describe, expect, it } from "vitest";
import { makeAgentGraphDurable } from "./agent-graph.js";

const durable = Symbol.for("@restate-ai/openai-agents/durable-model");
const isDurable = (model: unknown) => (model as Record<symbol, unknown>)[durable] !== undefined;

describe("makeAgentGraphDurable", () => {
  it("makes the Model instances of the agent and of every handoff target durable", () => {
    const models = [1, 2, 3].map(() => new ScriptedModel([modelResponse([assistantMessage("x")])]));
    const [first, second, third] = models;
    const billing = new Agent({ name: "Billing", model: third });
    const support = new Agent({ name: "Support", model: second, handoffs: [handoff(billing)] });
    const triage = new Agent({ name: "Triage", model: first, handoffs: [support] });
    support.handoffs.push(triage); // a cycle
    const named = new Agent({ name: "Named", model: "gpt-4o" });
    triage.handoffs.push(named);

    makeAgentGraphDurable(triage);
    expect(models.map(isDurable)).toEqual([true, true, true]);
    expect(named.model).toBe("gpt-4o");
  });
});
