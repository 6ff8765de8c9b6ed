/**
 * In-flight invocations survive the switch from `@restatedev/vercel-ai-middleware` 0.4.0 to this
 * package: agents started on the reference, suspended on a human approval, resume on ours after the
 * service is restarted with it. Their journaled model calls, embeddings and MCP calls replay under
 * ours (same entry names, values readable); nothing is requested twice.
 */
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  conversation,
  FakeMcpServer,
  outputOf,
  startAgentSuite,
} from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const agent = fileURLToPath(new URL("./services/migration-agent.ts", import.meta.url));
const AGENTS = 3;

describe("switching from @restatedev/vercel-ai-middleware 0.4.0 with agents in flight", () => {
  let suite: AgentSuite;
  let mcp: FakeMcpServer;
  beforeAll(async () => {
    mcp = await FakeMcpServer.start();
    suite = await startAgentSuite(agent, {
      restate: { inactivityTimeout: "1s" },
      env: { MIDDLEWARE: "reference", MCP_URL: mcp.url },
    });
  });
  afterAll(async () => {
    await suite.stop();
    await mcp.close();
  });

  it("resumes the reference's suspended agents on ours, with no call repeated", async () => {
    suite.fake.reset(
      conversation(
        { toolCalls: [{ name: "add", args: { a: 2, b: 3 } }] },
        (request) => ({
          toolCalls: [{ name: "askReviewer", args: { claim: `sum ${outputOf(request, "add")}` } }],
        }),
        (request) => ({ text: `Reviewer: ${outputOf(request, "askReviewer")}` }),
      ),
    );
    const ids = await Promise.all(
      Array.from({ length: AGENTS }, (_, i) =>
        suite.restate.send("migrationAgent/run", `claim ${i}`),
      ),
    );
    await suite.probe.waitFor("review requested", AGENTS);
    for (const id of ids) {
      await suite.restate.waitFor(id, (row) => row.status === "suspended");
    }
    expect(suite.fake.count()).toBe(2 * AGENTS);
    const namesOnReference = (await suite.restate.journal(ids[0] as string))
      .filter((entry) => entry.entry_type === "Command: Run")
      .map((entry) => entry.name);
    expect(namesOnReference).toEqual([
      "embedding openai.embedding",
      "RestateMCPClient-mcp-list-tools",
      "calling openai.chat",
      "add-mcp-tool-execute",
      "calling openai.chat",
      "notify reviewer",
    ]);

    await suite.service.restart({ MIDDLEWARE: "ours" });
    mcp.down = true;
    for (const effect of suite.probe.list("review requested")) {
      const { awakeableId } = effect.data as { awakeableId: string };
      await suite.restate.resolveAwakeable(awakeableId, true);
    }
    for (const id of ids) {
      expect(await suite.restate.attach(id)).toEqual({
        text: "Reviewer: approved",
        dimensions: [8, 8],
      });
    }
    expect(suite.fake.count(), "one more model call per agent, none repeated").toBe(3 * AGENTS);
    expect(suite.fake.embeddingRequests).toHaveLength(AGENTS);
    expect(mcp.addCalls).toBe(AGENTS);
    expect(await suite.restate.mismatched()).toEqual([]);
  });
});
