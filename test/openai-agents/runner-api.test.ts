/**
 * The rest of the `Runner` API, durable: MCP servers journaled (a replay needs no server), the
 * SDK's default client and key honoured without client-side retries, `runner.on`, lifecycle events
 * re-firing on replay (and the safe pattern for a once-only side effect), entry names of agents
 * without a model name. Against a real restate-server, across SIGKILLs.
 */
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  FakeMcpServer,
  outputOf,
  type Script,
  startAgentSuite,
} from "@restate-ai/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/runner-api.ts", import.meta.url));
const quiet = { OPENAI_AGENTS_DISABLE_TRACING: "1" };

describe("DurableRunner: MCP servers, lifecycle events, model names", () => {
  let suite: AgentSuite;
  let mcp: FakeMcpServer;
  beforeAll(async () => {
    mcp = await FakeMcpServer.start();
    suite = await startAgentSuite(agents, { env: { ...quiet, MCP_URL: mcp.url } });
  });
  afterAll(async () => {
    await suite.stop();
    await mcp.close();
  });
  beforeEach(() => {
    suite.probe.reset();
    mcp.reset();
  });

  it("journals MCP listings and calls: after a kill the replay needs no MCP server", async () => {
    let killed = false;
    let requestsWhenDown = 0;
    const script: Script = async (request) => {
      if (request.step === 0) return { toolCalls: [{ name: "add", args: { a: 2, b: 3 } }] };
      if (!killed) {
        killed = true;
        await suite.service.kill();
        mcp.down = true;
        requestsWhenDown = mcp.requests;
        void suite.service.restart();
      }
      return { text: `The sum is ${outputOf(request, "add")}` };
    };
    suite.fake.reset(script);
    const id = await suite.restate.send("runnerApi/mcp", "What is 2 + 3?");
    expect(await suite.restate.attach(id)).toMatch(/^The sum is .*5/);
    expect(mcp.addCalls).toBe(1);
    expect(mcp.requests, "the replay did not contact the MCP server").toBe(requestsWhenDown);
    const names = (await suite.restate.journal(id)).map((entry) => entry.name);
    expect(names).toContain("mcp calculator: list tools");
    expect(names).toContain("mcp calculator: tool add");
  });

  it("runner.on works; events fire again on replay, the journaled report once", async () => {
    suite.fake.reset((request) =>
      request.step === 0
        ? { toolCalls: [{ name: "record_step", args: { step: 1 } }] }
        : { text: "recorded" },
    );
    const restarted = Promise.withResolvers<void>();
    suite.probe.gate("step", async () => {
      suite.probe.ungate("step");
      await suite.service.kill();
      suite.service.restart().then(restarted.resolve, restarted.reject);
    });
    expect(await suite.restate.call("runnerApi/hooks", "Record step 1")).toBe("recorded");
    await restarted.promise;
    expect(suite.probe.count("hook fired"), "once per attempt").toBe(2);
    expect(suite.probe.list("hook reported").map((e) => e.data)).toEqual([
      { started: ["StepAgent"] },
    ]);
  });

  it("names the entries of an agent without a model name after the model it got", async () => {
    suite.fake.reset(() => ({ text: "hello" }));
    const id = await suite.restate.send("runnerApi/defaultModel", "Hi");
    expect(await suite.restate.attach(id)).toBe("hello");
    const [model] = (await suite.restate.journal(id)).filter((e) => e.name.startsWith("model"));
    expect(model?.name).toMatch(/^model \S+$/);
    expect(model?.name).toBe(`model ${suite.fake.requests[0]?.model}`);
  });
});

describe.each<{ setting: string; env: Record<string, string> }>([
  { setting: "setDefaultOpenAIClient", env: { DEFAULT_CLIENT_KEY: "sk-default-client" } },
  { setting: "setDefaultOpenAIKey", env: { DEFAULT_KEY: "sk-default-key" } },
])("DurableRunner with $setting", ({ env }) => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agents, {
      env: { ...quiet, ...env, MCP_URL: "http://127.0.0.1:9" },
    });
  });
  afterAll(() => suite.stop());

  it("sends model calls with it, and leaves retrying to Restate", async () => {
    const key = Object.values(env)[0];
    suite.fake.reset(() => ({ text: "hello" }));
    expect(await suite.restate.call("runnerApi/defaultModel", "Hi")).toBe("hello");
    expect(suite.fake.requests[0]?.authorization).toBe(`Bearer ${key}`);
    suite.fake.reset(() => ({ status: 500, message: "upstream down" }));
    await expect(suite.restate.call("runnerApi/defaultModel", "Hi")).rejects.toThrow(
      /upstream down/,
    );
    expect(suite.fake.count(), "maxRetryAttempts requests, no client retries").toBe(3);
  });
});
