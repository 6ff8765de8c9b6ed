/**
 * Journals one `doStream` call, so `streamText` agents never call the model twice for a step.
 *
 * First execution: the caller receives the parts live while the provider streams them; when the
 * provider stream ends the part list (stream-start warnings, response metadata, tool calls,
 * finish...) is journaled as `stream <provider>/<model>`. Replay: the journaled parts are emitted as
 * a stream and the model is not called.
 *
 * What a consumer sees:
 * - text, reasoning and tool-input deltas arrive live; consecutive deltas are merged in the journal,
 *   so a replay delivers the same text in fewer, larger deltas;
 * - tool calls, approval requests, provider tool results and the `finish` part (and anything after
 *   the first of them) are released once the step is journaled. `streamText` starts tools at
 *   `finish`, so no tool runs for a step that could still be lost. Files returned by URL are held
 *   too, downloaded inside the step (see `file-urls.ts`) and released with their bytes;
 * - a provider `error` part or a broken stream fails the attempt instead of being journaled: the
 *   consumer gets no further part in that attempt, and Restate's retry streams the step again from
 *   its first part. Exhausted retries or a non-retryable provider error end the stream with a
 *   `TerminalError`, which `streamText` rethrows from `text`, `steps`, etc.
 * The loop guard runs around the call (see `loop-guard.ts`); its errors end the stream too.
 */
import { randomUUID } from "node:crypto";
import type {
  LanguageModelV4Middleware,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import {
  classifyModelFailure,
  durableStream,
  enterModelCall,
  type JournaledStream,
} from "@restate-ai/core";
import type { Context, RunOptions } from "@restatedev/restate-sdk";
import { type CallSettings, modelLabel } from "./call-settings.js";
import { isFileUrl, withFileData } from "./file-urls.js";
import { journaledResponse, withoutBody } from "./journal-generate.js";
import { afterModelCall, beforeModelCall, PARALLEL_AGENTS } from "./loop-guard.js";
import type { LoopState } from "./loop-state.js";
import { linkModelCall, trackStream } from "./sdk-hooks.js";

type WrapStream = NonNullable<LanguageModelV4Middleware["wrapStream"]>;
type Part = LanguageModelV4StreamPart;
type CallMeta = Pick<LanguageModelV4StreamResult, "request" | "response">;

/** Parts that let the SDK act on the step (run tools, ask for approval, finish the step). */
const ACTIONABLE = new Set<Part["type"]>([
  "tool-call",
  "tool-approval-request",
  "tool-result",
  "finish",
]);

export function journalStream(ctx: Context, settings: CallSettings, loop: LoopState): WrapStream {
  return async ({ doStream, model, params }) => {
    let leave: () => void;
    try {
      beforeModelCall(loop, params.prompt);
      leave = enterModelCall(ctx, PARALLEL_AGENTS);
    } catch (error) {
      return { stream: failedStream(error) };
    }
    const ordered = linkModelCall(params.tools, loop) !== undefined;
    let settled: (() => void) | undefined;
    const label = modelLabel(model);
    const { parts, meta } = durableStream<Part, CallMeta>(
      ctx,
      async () => {
        const { stream, request, response } = await doStream();
        const callMeta: CallMeta = {
          ...(request === undefined
            ? {}
            : { request: settings.journalBodies ? request : withoutBody(request) }),
          ...(response === undefined
            ? {}
            : { response: journaledResponse(response, settings.journalResponseHeaders) }),
        };
        return { parts: stream, meta: callMeta };
      },
      {
        name: settings.names.stream(model),
        runOptions: settings.modelRunOptions as RunOptions<JournaledStream<Part, CallMeta>>,
        holdFrom: (part) => ACTIONABLE.has(part.type) || isFileUrl(part),
        failOn: (part) => (part.type === "error" ? asError(part.error, label) : undefined),
        merge: mergeDeltas,
        complete: async (parts, heldFrom) =>
          fixResponseMetadata(
            parts.some(isFileUrl)
              ? await withFileData(parts, settings.maxJournalEntryBytes, params.abortSignal)
              : parts,
            heldFrom,
          ),
        mapError: (error) =>
          classifyModelFailure(error, label, settings.nonRetryableIsTerminal, params.abortSignal),
        onSettled: () => {
          leave();
          settled?.();
        },
        ...(params.abortSignal === undefined ? {} : { signal: params.abortSignal }),
        inspect: (parts) => afterModelCall(loop, parts, ordered, settings.parallelToolCalls),
      },
    );
    // A call that failed for good still returns a stream: `streamText` rethrows a stream error
    // from `text`/`steps`, but reports a rejected `doStream` as "no output generated".
    settled = trackStream(parts);
    const callMeta = await meta.catch(() => undefined);
    return { stream: parts, ...callMeta };
  };
}

function failedStream(error: unknown): ReadableStream<Part> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}

function mergeDeltas(previous: Part, next: Part): Part | undefined {
  if (
    (next.type === "text-delta" && previous.type === "text-delta") ||
    (next.type === "reasoning-delta" && previous.type === "reasoning-delta") ||
    (next.type === "tool-input-delta" && previous.type === "tool-input-delta")
  ) {
    if (previous.id !== next.id) return undefined;
    const providerMetadata = next.providerMetadata ?? previous.providerMetadata;
    return {
      ...previous,
      delta: previous.delta + next.delta,
      ...(providerMetadata === undefined ? {} : { providerMetadata }),
    };
  }
  return undefined;
}

/**
 * Gives the step an id and timestamp when the provider sent none, so the SDK does not invent
 * different ones on every replay. Inserted before `finish`, among the parts released after
 * journaling.
 */
function fixResponseMetadata(parts: Part[], heldFrom: number): Part[] {
  let id: string | undefined;
  let timestamp: Date | undefined;
  for (const part of parts) {
    if (part.type === "response-metadata") {
      id = part.id ?? id;
      timestamp = part.timestamp ?? timestamp;
    }
  }
  if (id !== undefined && timestamp !== undefined) return parts;
  const filled: Part = {
    type: "response-metadata",
    id: id ?? randomUUID(),
    timestamp: timestamp ?? new Date(),
  };
  const finish = parts.findIndex((part, index) => index >= heldFrom && part.type === "finish");
  const at = finish === -1 ? parts.length : finish;
  return [...parts.slice(0, at), filled, ...parts.slice(at)];
}

function asError(error: unknown, label: string): Error {
  if (error instanceof Error) return error;
  let detail: string;
  try {
    detail = JSON.stringify(error);
  } catch {
    detail = String(error);
  }
  return new Error(`${label}: the provider stream reported an error: ${detail}`);
}
