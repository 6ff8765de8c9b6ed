/**
 * Journals one `doGenerate` call.
 *
 * The result is recorded with `ctx.run` under `generate <provider>/<model>`; a replay returns the
 * journaled result without calling the model. Values the AI SDK would otherwise invent anew on
 * every execution (`response.id`, `response.timestamp`) are fixed inside the step, files returned by
 * URL are downloaded inside it (see `file-urls.ts`), and the raw HTTP bodies are left out unless
 * asked for: they are often many times the size of the result.
 * The loop guard runs around the call (see `loop-guard.ts`).
 */
import { randomUUID } from "node:crypto";
import type { LanguageModelV4GenerateResult, LanguageModelV4Middleware } from "@ai-sdk/provider";
import { callModel, enterModelCall, withJournaledHeaders } from "@restate-ai/core";
import type { Context, RunOptions } from "@restatedev/restate-sdk";
import { type CallSettings, modelLabel } from "./call-settings.js";
import { isFileUrl, withFileData } from "./file-urls.js";
import { afterModelCall, beforeModelCall, PARALLEL_AGENTS } from "./loop-guard.js";
import type { LoopState } from "./loop-state.js";
import { linkModelCall } from "./sdk-hooks.js";

type WrapGenerate = NonNullable<LanguageModelV4Middleware["wrapGenerate"]>;

export function journalGenerate(
  ctx: Context,
  settings: CallSettings,
  loop: LoopState,
): WrapGenerate {
  return async ({ doGenerate, model, params }) => {
    beforeModelCall(loop, params.prompt);
    const ordered = linkModelCall(params.tools, loop) !== undefined;
    const label = modelLabel(model);
    const leave = enterModelCall(ctx, PARALLEL_AGENTS);
    let result: LanguageModelV4GenerateResult;
    try {
      result = await ctx.run(
        settings.names.generate(model),
        async () => {
          const result = await callModel(
            label,
            settings.nonRetryableIsTerminal,
            doGenerate,
            params.abortSignal,
          );
          const content = result.content.some(isFileUrl)
            ? await withFileData(result.content, settings.maxJournalEntryBytes, params.abortSignal)
            : result.content;
          return forJournal({ ...result, content }, settings);
        },
        settings.modelRunOptions as RunOptions<LanguageModelV4GenerateResult>,
      );
    } finally {
      leave();
    }
    afterModelCall(loop, result.content, ordered, settings.parallelToolCalls);
    return result;
  };
}

function forJournal(
  result: LanguageModelV4GenerateResult,
  settings: CallSettings,
): LanguageModelV4GenerateResult {
  const response = journaledResponse(
    (settings.journalBodies ? result.response : withoutBody(result.response)) ?? {},
    settings.journalResponseHeaders,
  );
  const request = settings.journalBodies ? result.request : withoutBody(result.request);
  return {
    ...result,
    ...(request === undefined ? {} : { request }),
    response: {
      ...response,
      id: response?.id ?? randomUUID(),
      timestamp: response?.timestamp ?? new Date(),
    },
  };
}

/** The response record as journaled: its allow-listed headers, or none (`journalResponseHeaders`). */
export function journaledResponse<T extends { headers?: Record<string, string | undefined> }>(
  response: T,
  keepHeaders: boolean,
): T {
  if (keepHeaders) return withJournaledHeaders(response);
  const { headers: _headers, ...rest } = response;
  return rest as T;
}

/** Drops the raw HTTP body of a request or response record. */
export function withoutBody<T extends { body?: unknown }>(
  record: T | undefined,
): Omit<T, "body"> | undefined {
  if (record === undefined) return undefined;
  const { body: _body, ...rest } = record;
  return rest;
}
