/**
 * Journal format 2 is versioned: agents of both SDKs (generate and stream) journaled by a release
 * that wrote format 1 (SuperJSON) and suspended on a human approval resume after the service is
 * upgraded to format 2. Their format 1 entries replay (no model call or tool effect repeated, no
 * journal mismatch), and the calls after the upgrade are journaled in format 2.
 */
import { fileURLToPath } from "node:url";
import { type AgentSuite, conversation, outputOf, startAgentSuite } from "@restate-ai/test-harness";
import { afterAll, beforeAll, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/format-agents.ts", import.meta.url));
const HANDLERS = ["vercelGenerate", "vercelStream", "agentsGenerate", "agentsStream"];

let suite: AgentSuite;
const mismatches: string[] = [];
beforeAll(async () => {
  suite = await startAgentSuite(agents, {
    restate: { inactivityTimeout: "1s" },
    env: { JOURNAL_FORMAT: "1" },
    onServiceOutput: (text) => {
      for (const line of text.split("\n")) if (/RT0016|mismatch/i.test(line)) mismatches.push(line);
    },
  });
});
afterAll(() => suite.stop());

/** The format of a journaled model call's value: 1 (a SuperJSON envelope) or 2. */
const formatOf = (result: string | undefined) => {
  const value = JSON.parse(result ?? "null") as Record<string, unknown> | null;
  if (value?.jv === 2) return 2;
  return value !== null && "json" in value ? 1 : undefined;
};
const isModelCall = (name: string) => /^(calling |stream |model )/.test(name);

it("resumes agents journaled in format 1 after an upgrade to format 2, nothing repeated", {
  timeout: 120_000,
}, async () => {
  suite.fake.reset(
    conversation(
      (request) => ({
        toolCalls: [{ name: "lookup", args: { claim: request.userText } }],
      }),
      (request) => ({
        toolCalls: [{ name: "askReviewer", args: { claim: `${outputOf(request, "lookup")}` } }],
      }),
      (request) => ({ text: `Reviewer: ${outputOf(request, "askReviewer")}` }),
    ),
  );
  const runs = await Promise.all(
    HANDLERS.map(async (handler) => {
      const key = `upgrade-${handler}`;
      const id = await suite.restate.send(`formatAgents/${handler}`, { key, prompt: key });
      return { handler, key, id };
    }),
  );
  await suite.probe.waitFor("review requested", runs.length);
  for (const run of runs) {
    await suite.restate.waitFor(run.id, (row) => row.status === "suspended");
    const calls = (await suite.restate.journal(run.id)).filter((e) => isModelCall(e.name));
    expect(
      calls.map((e) => formatOf(e.result)),
      run.handler,
    ).toEqual([1, 1]);
  }
  expect(suite.fake.count()).toBe(2 * runs.length);

  await suite.service.restart({ JOURNAL_FORMAT: "" });
  for (const effect of suite.probe.list("review requested")) {
    const { awakeableId } = effect.data as { awakeableId: string };
    await suite.restate.resolveAwakeable(awakeableId, true);
  }
  for (const run of runs) {
    expect(await suite.restate.attach(run.id), run.handler).toBe("Reviewer: approved");
    const calls = (await suite.restate.journal(run.id)).filter((e) => isModelCall(e.name));
    expect(
      calls.map((e) => formatOf(e.result)),
      run.handler,
    ).toEqual([1, 1, 2]);
  }
  expect(suite.fake.count(), "one more model call per agent, none repeated").toBe(3 * runs.length);
  expect(suite.probe.count("lookup")).toBe(runs.length);
  expect(suite.probe.count("review requested")).toBe(runs.length);
  expect(mismatches).toEqual([]);
});
