/**
 * The agents served from a fetch handler (`createEndpointHandler` of
 * `@restatedev/restate-sdk/fetch`, over HTTP/1.1, as a Next.js route or a serverless function
 * serves them) behind the 3-node cluster, both SDKs, generate and stream. In request-response
 * mode the endpoint answers at every step that needs Restate and is invoked again with the
 * journal so far: the agent completes with one model request per step and each tool effect once,
 * though the journal was replayed at every step.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  effectsOf,
  requestsOf,
  stepsPrompt,
  stepsScript,
  target,
  variants,
} from "../reliability/reliability-env.ts";
import { type ClusterSuite, startClusterSuite } from "./cluster-env.ts";

const STEPS = 4;

let suite: ClusterSuite;
beforeAll(async () => {
  suite = await startClusterSuite({ serve: "fetch" });
  suite.fake.reset(stepsScript());
}, 90_000);
afterAll(() => suite?.stop());

const endpointRequests = () =>
  (suite.service.output().match(/^fetch-request POST \/invoke\//gm) ?? []).length;

it.each(variants)(
  "$sdk $mode: one model request per step across a request per step",
  async ({ sdk, mode }) => {
    const key = `fetch-${sdk}-${mode}-${randomUUID()}`;
    const before = endpointRequests();
    const node = suite.restate.node(
      1 + (variants.findIndex((v) => v.sdk === sdk && v.mode === mode) % 3),
    );
    const output = await node.call<{ text: string }>(
      target(sdk, mode),
      { key, prompt: stepsPrompt(key, STEPS) },
      { timeoutMs: 60_000 },
    );
    expect(output.text).toBe(`Done ${key} (-): result 0, result 1, result ${STEPS - 2}`);
    expect(requestsOf(suite, key)).toHaveLength(STEPS);
    expect([...effectsOf(suite, key).values()]).toEqual(Array(STEPS - 1).fill(1));
    // Each model call and each tool step ended a request: the journal was replayed every time.
    expect(endpointRequests() - before).toBeGreaterThanOrEqual(2 * STEPS - 1);
    expect(suite.mismatchReports).toEqual([]);
  },
);
