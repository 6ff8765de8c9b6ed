/**
 * `durableEmbeds`: journals every `doEmbed` call of an embedding model, so a retried or resumed
 * handler never pays for the same embeddings twice.
 */
import type { EmbeddingModelV4Middleware, EmbeddingModelV4Result } from "@ai-sdk/provider";
import { callModel, withJournaledHeaders } from "@restate-ai/core";
import type { Context, RunOptions } from "@restatedev/restate-sdk";
import { type DurableCallsOptions, modelLabel, resolveCallSettings } from "./call-settings.js";
import { withoutBody } from "./journal-generate.js";

/**
 * Middleware that journals each `doEmbed` call with `ctx.run` (use it with `wrapEmbeddingModel`).
 * `embedMany` splits large inputs into several calls; each is its own journal entry, so a crash
 * after some of them only re-embeds the rest.
 *
 * ```ts
 * const model = wrapEmbeddingModel({
 *   model: openai.embedding("text-embedding-3-small"),
 *   middleware: durableEmbeds(ctx),
 * });
 * ```
 */
export function durableEmbeds(
  ctx: Context,
  opts?: DurableCallsOptions,
): EmbeddingModelV4Middleware {
  const settings = resolveCallSettings(opts);
  return {
    specificationVersion: "v4",
    wrapEmbed: ({ doEmbed, model }) => {
      const label = modelLabel(model);
      return ctx.run(
        settings.names.embed(model),
        async () => {
          const result = await callModel(label, settings.nonRetryableIsTerminal, doEmbed);
          if (result.response === undefined) return result;
          const response = settings.journalBodies ? result.response : withoutBody(result.response);
          return { ...result, response: withJournaledHeaders(response ?? {}) };
        },
        settings.runOptions as RunOptions<EmbeddingModelV4Result>,
      );
    },
  };
}
