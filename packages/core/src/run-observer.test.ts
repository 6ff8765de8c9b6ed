import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { durableStream } from "./durable-stream.js";
import { awaitApproval } from "./human-approval.js";
import { observeRun } from "./run-observer.js";

let seen: string[];

async function* provider() {
  yield* ["a", "b"];
}
let release: PromiseWithResolvers<void>;
const attempts = new Map<string, number>();

const observed = restate.service({
  name: "observed",
  handlers: {
    run: async (ctx: restate.Context) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const stop = observeRun(ctx, {
        modelStep: () => ({
          live: () => {
            seen.push(`live ${attempt}`);
            return () => release.promise.then(() => void seen.push(`ready ${attempt}`));
          },
          replayed: () => void seen.push(`replayed ${attempt}`),
        }),
        approvalRequested: (request) => {
          seen.push(
            `approval ${attempt} ${request.toolCallId} ${request.awakeableId !== undefined}`,
          );
          return undefined;
        },
      });
      try {
        const { parts } = durableStream<string>(ctx, async () => ({ parts: provider() }), {
          name: "model",
        });
        const out: string[] = [];
        for await (const part of parts) out.push(part);
        const decision = await awaitApproval(
          ctx,
          { toolCallId: "call-1", toolName: "refund", input: {} },
          { onRequest: () => {}, timeout: 1 },
        );
        await ctx.run("afterwards", () => {
          if (attempt === 1) throw new Error("replay once");
        });
        return { out, approved: decision.approved };
      } finally {
        stop();
      }
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([observed]);
});
afterAll(() => env.stop());
beforeEach(() => {
  seen = [];
  release = Promise.withResolvers<void>();
});

it("tells a live step from a replayed one, journals a live step once the observer is ready, and reports approvals", async () => {
  const id = await env.restate.send("observed/run", null);
  await expect.poll(() => seen).toEqual(["live 1"]);
  expect((await env.restate.journal(id)).find((e) => e.name === "model")?.result).toBeUndefined();
  release.resolve();
  expect(await env.restate.attach(id)).toEqual({ out: ["a", "b"], approved: false });
  expect(seen).toEqual([
    "live 1",
    "ready 1",
    "approval 1 call-1 true",
    "replayed 2",
    "approval 2 call-1 true",
  ]);
});

it("refuses a second observer of the same context", async () => {
  const ctx = {} as restate.Context;
  const observer = {
    modelStep: () => ({ live: () => undefined, replayed: () => {} }),
    approvalRequested: () => undefined,
  };
  const stop = observeRun(ctx, observer);
  expect(() => observeRun(ctx, observer)).toThrow(/one chat stream per handler execution/);
  stop();
  observeRun(ctx, observer)();
});
