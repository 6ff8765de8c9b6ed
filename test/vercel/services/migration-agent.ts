/**
 * One agent written against the drop-in API, run on `@restatedev/vercel-ai-middleware` 0.4.0 or on
 * `@restate-ai/vercel-middleware` depending on `MIDDLEWARE` (`reference` | `ours`): it embeds,
 * lists and calls MCP tools, then waits on an awakeable (a human approval) inside a tool — where
 * a test switches the service from one package to the other.
 */
import { openai } from "@ai-sdk/openai";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import * as restate from "@restatedev/restate-sdk";
import {
  embedMany,
  generateText,
  stepCountIs,
  tool,
  wrapEmbeddingModel,
  wrapLanguageModel,
} from "ai";
import { z } from "zod";

const middleware =
  process.env.MIDDLEWARE === "reference"
    ? await import("@restatedev/vercel-ai-middleware")
    : await import("@restate-ai/vercel-middleware");

const retry = { maxRetryAttempts: 3, initialRetryInterval: 100 };

export const migrationAgent = restate.service({
  name: "migrationAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const { embeddings } = await embedMany({
        model: wrapEmbeddingModel({
          model: openai.embedding("text-embedding-3-small"),
          middleware: middleware.durableEmbeds(ctx, retry),
        }),
        values: ["claim", "refund"],
        maxRetries: 0,
      });
      const mcp = await middleware.createRestateMCPClient(ctx, {
        transport: { type: "http", url: String(process.env.MCP_URL) },
      });
      const { text } = await generateText({
        model: wrapLanguageModel({
          model: openai.chat("gpt-4o"),
          middleware: middleware.durableCalls(ctx, retry),
        }),
        maxRetries: 0,
        prompt,
        stopWhen: stepCountIs(5),
        tools: {
          ...(await mcp.tools()),
          askReviewer: tool({
            description: "Ask a human reviewer to approve the claim.",
            inputSchema: z.object({ claim: z.string() }),
            execute: async ({ claim }) => {
              const approval = ctx.awakeable<boolean>();
              await ctx.run("notify reviewer", () =>
                recordEffect("review requested", { claim, awakeableId: approval.id }),
              );
              return (await approval.promise) ? "approved" : "denied";
            },
          }),
        },
      });
      await mcp.close();
      return { text, dimensions: embeddings.map((embedding) => embedding.length) };
    },
  },
});

export const services = [migrationAgent];
