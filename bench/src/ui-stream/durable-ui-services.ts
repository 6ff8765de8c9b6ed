/**
 * The durable UI-stream contender: the same `streamText` in a Restate handler with `durableCalls`,
 * published with `publishChatStream` to the `ChatStreams` log, read by the chat endpoint.
 */
import {
  type ChatTurn,
  chatStreams,
  durableCalls,
  publishChatStream,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { streamText, wrapLanguageModel } from "ai";
import { type TokenLoad, tokenModel } from "./token-model.ts";

const benchChat = restate.object({
  name: "BenchChat",
  handlers: {
    turn: async (ctx: restate.ObjectContext, turn: ChatTurn) => {
      const model = wrapLanguageModel({
        model: tokenModel(turn.body as unknown as TokenLoad),
        middleware: durableCalls(ctx),
      });
      await publishChatStream(ctx, { chatId: turn.chatId, turnId: turn.turnId }, () =>
        streamText({ model, prompt: "Count", maxRetries: 0 }),
      );
    },
  },
});

export const services = [benchChat, chatStreams()];
