/**
 * OpenAI Agents SDK — chat with memory: `RestateSession` keeps the conversation on the state of a
 * Virtual Object, one history per key.
 *
 *   curl localhost:8080/OpenAIChat/session1/message --json '"Hi, my name is Ada"'
 *   curl localhost:8080/OpenAIChat/session1/getHistory
 */
import { Agent } from "@openai/agents";
import { DurableRunner, RestateSession } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { agentsModelProvider } from "../llm.ts";

const chatAgent = new Agent({
  name: "ChatAgent",
  instructions: "You are a helpful assistant. Keep answers short.",
  model: "gpt-4o",
});

export const openaiChat = restate.object({
  name: "OpenAIChat",
  handlers: {
    message: async (ctx: restate.ObjectContext, message: string) => {
      const session = new RestateSession(ctx);
      const runner = new DurableRunner(ctx, {
        maxRetryAttempts: 3,
        session,
        ...agentsModelProvider(),
      });
      return (await runner.run(chatAgent, message)).finalOutput;
    },
    getHistory: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) =>
      RestateSession.read(ctx),
    ),
  },
});
