/**
 * Tour of agents — chat with memory: a Virtual Object per session. `message` is exclusive (one at
 * a time per key), `getHistory` is shared. History is kept with `superJson`, which preserves the
 * AI SDK message types (dates, binary file parts).
 *
 *   curl localhost:8080/Chat/session123/message --json '{"message": "make a poem about durable execution"}'
 *   curl localhost:8080/Chat/session123/getHistory
 */
import { durableCalls, superJson } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, type ModelMessage, wrapLanguageModel } from "ai";
import { llm } from "../llm.ts";

export const chat = restate.object({
  name: "Chat",
  handlers: {
    message: async (ctx: restate.ObjectContext, req: { message: string }) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      const messages = (await ctx.get<ModelMessage[]>("messages", superJson)) ?? [];
      messages.push({ role: "user", content: req.message });

      const res = await generateText({
        model,
        system: "You are a helpful assistant.",
        messages,
        maxRetries: 0,
      });

      ctx.set("messages", [...messages, ...res.response.messages], superJson);
      return { answer: res.text };
    },
    getHistory: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) =>
      ctx.get<ModelMessage[]>("messages", superJson),
    ),
  },
});
