/**
 * A model that streams `tokens` text deltas, `tokenMs` apart (the first at once): the load of the
 * UI-stream bench, the same for the plain and the durable contender.
 */
import type {
  LanguageModelV4,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";

export interface TokenLoad {
  tokens: number;
  tokenMs: number;
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 10, text: 10, reasoning: 0 },
};

export function tokenModel({ tokens, tokenMs }: TokenLoad): LanguageModelV4 {
  return {
    specificationVersion: "v4",
    provider: "bench.tokens",
    modelId: "tokens",
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("the UI-stream bench only streams")),
    doStream: async (): Promise<LanguageModelV4StreamResult> => ({
      stream: new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          controller.enqueue({ type: "stream-start", warnings: [] });
          controller.enqueue({ type: "response-metadata", id: "bench", timestamp: new Date(0) });
          controller.enqueue({ type: "text-start", id: "t" });
          for (let i = 0; i < tokens; i++) {
            if (i > 0 && tokenMs > 0) await new Promise((resolve) => setTimeout(resolve, tokenMs));
            controller.enqueue({ type: "text-delta", id: "t", delta: `tok${i} ` });
          }
          controller.enqueue({ type: "text-end", id: "t" });
          controller.enqueue({
            type: "finish",
            finishReason: { unified: "stop", raw: "stop" },
            usage,
          });
          controller.close();
        },
      }),
    }),
  };
}
