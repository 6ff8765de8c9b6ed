/**
 * Format 2 of the AI SDK's model call entries (see the core's `journal-format.ts`): a `doGenerate`
 * result or a stream's part list, packed without losing anything the SDK reads back.
 *
 * - usage is a row `[input total, noCache, cacheRead, cacheWrite, output total, text, reasoning]`
 *   (then `raw`, if the provider sent it), the finish reason `[unified, raw]`, response metadata
 *   `[id, epoch ms, modelId]`; `null` stands for `undefined`;
 * - content and parts of the common kinds are tagged rows: `["x", text]`, `["y", reasoning]`,
 *   `["c", toolCallId, toolName, input]`; in a stream, a text or reasoning block whose start, one
 *   (merged) delta and end follow each other is `["t" | "r", id, text]`, a tool call preceded by its
 *   input's start, delta and end is `["C", ...]`, and they unpack to exactly those parts again;
 * - anything else (provider metadata, warnings, rarer parts) stays the object it is.
 */
import type {
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import type { JournaledStream, Packed, PackedCodec } from "@restate-ai/core";
import { FORMAT_2, FORMAT_KEY } from "@restate-ai/core";

type Part = LanguageModelV4StreamPart;
type Row = [string, ...unknown[]];
type StreamEntry = JournaledStream<Part, object>;
/** What a model call journals: a `doGenerate` result, or a stream's parts (and call metadata). */
export type ModelEntry = LanguageModelV4GenerateResult | StreamEntry;

export const modelEntryCodec: PackedCodec<ModelEntry> = {
  pack: (entry) => ("parts" in entry ? packStream(entry) : packGenerate(entry)),
  unpack: (packed) => ("p" in packed ? unpackStream(packed) : unpackGenerate(packed)),
};

function packGenerate(result: LanguageModelV4GenerateResult): Packed {
  const { content, finishReason, usage, providerMetadata, request, response, warnings, ...rest } =
    result;
  return {
    [FORMAT_KEY]: FORMAT_2,
    c: content.map(packContent),
    f: packFinish(finishReason),
    u: packUsage(usage),
    ...(warnings !== undefined && warnings.length > 0 ? { w: warnings } : {}),
    ...(providerMetadata === undefined ? {} : { pm: providerMetadata }),
    ...(request === undefined || Object.keys(request).length === 0 ? {} : { q: request }),
    ...(response === undefined ? {} : { r: packResponse(response) }),
    ...(Object.keys(rest).length === 0 ? {} : { o: rest }),
  };
}

function unpackGenerate(packed: Packed): LanguageModelV4GenerateResult {
  return {
    ...(packed.o as object | undefined),
    content: (packed.c as unknown[]).map(unpackContent),
    finishReason: unpackFinish(packed.f),
    usage: unpackUsage(packed.u),
    warnings: (packed.w as LanguageModelV4GenerateResult["warnings"] | undefined) ?? [],
    ...(packed.pm === undefined ? {} : { providerMetadata: packed.pm as never }),
    ...(packed.q === undefined ? {} : { request: packed.q as never }),
    ...(packed.r === undefined ? {} : { response: unpackResponse(packed.r) as never }),
  };
}

function packStream(entry: StreamEntry): Packed {
  const { parts, meta } = entry;
  const rows: unknown[] = [];
  for (let i = 0; i < parts.length; ) {
    const [row, used] = packParts(parts, i);
    rows.push(row);
    i += used;
  }
  return {
    [FORMAT_KEY]: FORMAT_2,
    p: rows,
    ...(meta === undefined || Object.keys(meta).length === 0 ? {} : { m: meta }),
  };
}

function unpackStream(packed: Packed): StreamEntry {
  const parts = (packed.p as unknown[]).flatMap(unpackPart);
  return packed.m === undefined ? { parts } : { parts, meta: packed.m as object };
}

/** The row for the parts from `i` on, and how many parts it stands for. */
function packParts(parts: Part[], i: number): [unknown, number] {
  const part = parts[i] as Part;
  switch (part.type) {
    case "stream-start":
      if (!only(part, ["warnings"])) break;
      return [part.warnings.length === 0 ? ["s"] : ["s", part.warnings], 1];
    case "response-metadata":
      if (!isPlainResponse(part)) break;
      return [["m", ...packResponseRow(part)], 1];
    case "text-start":
    case "reasoning-start": {
      const block = part.type === "text-start" ? "text" : "reasoning";
      const delta = parts[i + 1] as { type: string; id?: string; delta?: string } | undefined;
      const end = parts[i + 2] as { type: string; id?: string } | undefined;
      if (
        only(part, ["id"]) &&
        delta?.type === `${block}-delta` &&
        only(delta, ["id", "delta"]) &&
        delta.id === part.id &&
        end?.type === `${block}-end` &&
        only(end, ["id"]) &&
        end.id === part.id
      ) {
        return [[block === "text" ? "t" : "r", part.id, delta.delta], 3];
      }
      break;
    }
    case "tool-input-start": {
      const [delta, end, call] = [parts[i + 1], parts[i + 2], parts[i + 3]];
      if (
        only(part, ["id", "toolName"]) &&
        delta?.type === "tool-input-delta" &&
        only(delta, ["id", "delta"]) &&
        delta.id === part.id &&
        end?.type === "tool-input-end" &&
        only(end, ["id"]) &&
        end.id === part.id &&
        call?.type === "tool-call" &&
        isPlainToolCall(call) &&
        call.toolCallId === part.id &&
        call.toolName === part.toolName &&
        call.input === delta.delta
      ) {
        return [["C", call.toolCallId, call.toolName, call.input], 4];
      }
      break;
    }
    case "tool-call":
      if (isPlainToolCall(part)) return [["c", part.toolCallId, part.toolName, part.input], 1];
      break;
    case "finish":
      if (!only(part, ["usage", "finishReason"])) break;
      return [["f", packFinish(part.finishReason), packUsage(part.usage)], 1];
  }
  return [part, 1];
}

function unpackPart(row: unknown): Part[] {
  if (!Array.isArray(row)) return [row as Part];
  const [tag, a, b, c] = row as Row;
  switch (tag) {
    case "s":
      return [{ type: "stream-start", warnings: (a as never) ?? [] }];
    case "m":
      return [{ type: "response-metadata", ...unpackResponseRow(row.slice(1)) }];
    case "t":
    case "r": {
      const block = tag === "t" ? "text" : "reasoning";
      const id = a as string;
      return [
        { type: `${block}-start`, id },
        { type: `${block}-delta`, id, delta: b as string },
        { type: `${block}-end`, id },
      ] as Part[];
    }
    case "C": {
      const id = a as string;
      return [
        { type: "tool-input-start", id, toolName: b as string },
        { type: "tool-input-delta", id, delta: c as string },
        { type: "tool-input-end", id },
        { type: "tool-call", toolCallId: id, toolName: b as string, input: c as string },
      ];
    }
    case "c":
      return [
        { type: "tool-call", toolCallId: a as string, toolName: b as string, input: c as string },
      ];
    case "f":
      return [{ type: "finish", finishReason: unpackFinish(a), usage: unpackUsage(b) }];
  }
  throw new Error(`unknown row ${JSON.stringify(tag)} in a journaled model stream`);
}

function packContent(content: LanguageModelV4Content): unknown {
  if (content.type === "text" && only(content, ["text"])) return ["x", content.text];
  if (content.type === "reasoning" && only(content, ["text"])) return ["y", content.text];
  if (content.type === "tool-call" && isPlainToolCall(content)) {
    return ["c", content.toolCallId, content.toolName, content.input];
  }
  return content;
}

function unpackContent(row: unknown): LanguageModelV4Content {
  if (!Array.isArray(row)) return row as LanguageModelV4Content;
  const [tag, a, b, c] = row as Row;
  if (tag === "x") return { type: "text", text: a as string };
  if (tag === "y") return { type: "reasoning", text: a as string };
  if (tag === "c") {
    return {
      type: "tool-call",
      toolCallId: a as string,
      toolName: b as string,
      input: c as string,
    };
  }
  throw new Error(`unknown row ${JSON.stringify(tag)} in a journaled model result`);
}

function isPlainToolCall(part: { type: string }): part is Extract<Part, { type: "tool-call" }> {
  return only(part, ["toolCallId", "toolName", "input"]);
}

function packFinish(reason: LanguageModelV4FinishReason): unknown {
  if (!only(reason, ["unified", "raw"])) return reason;
  return reason.raw === undefined ? [reason.unified] : [reason.unified, reason.raw];
}

function unpackFinish(packed: unknown): LanguageModelV4FinishReason {
  if (!Array.isArray(packed)) return packed as LanguageModelV4FinishReason;
  const [unified, raw] = packed as [LanguageModelV4FinishReason["unified"], string?];
  return { unified, raw };
}

const INPUT_TOKENS = ["total", "noCache", "cacheRead", "cacheWrite"] as const;
const OUTPUT_TOKENS = ["total", "text", "reasoning"] as const;

function packUsage(usage: LanguageModelV4Usage): unknown {
  const { inputTokens, outputTokens } = usage;
  if (
    !only(usage, ["inputTokens", "outputTokens", "raw"]) ||
    !only(inputTokens, INPUT_TOKENS) ||
    !only(outputTokens, OUTPUT_TOKENS)
  ) {
    return usage;
  }
  const row = [
    ...INPUT_TOKENS.map((key) => inputTokens[key] ?? null),
    ...OUTPUT_TOKENS.map((key) => outputTokens[key] ?? null),
  ];
  if (!row.every((n) => n === null || typeof n === "number")) return usage;
  return usage.raw === undefined ? row : [...row, usage.raw];
}

function unpackUsage(packed: unknown): LanguageModelV4Usage {
  if (!Array.isArray(packed)) return packed as LanguageModelV4Usage;
  const value = (i: number) => (packed[i] ?? undefined) as number | undefined;
  const usage: LanguageModelV4Usage = {
    inputTokens: { total: value(0), noCache: value(1), cacheRead: value(2), cacheWrite: value(3) },
    outputTokens: { total: value(4), text: value(5), reasoning: value(6) },
  };
  return packed[7] === undefined ? usage : { ...usage, raw: packed[7] };
}

type ResponseMetadata = { id?: string; timestamp?: Date; modelId?: string };

function packResponseRow(response: ResponseMetadata): unknown[] {
  return [response.id ?? null, response.timestamp?.getTime() ?? null, response.modelId ?? null];
}

function unpackResponseRow([id, timestamp, modelId]: unknown[]): ResponseMetadata {
  return {
    ...(id === null ? {} : { id: id as string }),
    ...(timestamp === null ? {} : { timestamp: new Date(timestamp as number) }),
    ...(modelId === null ? {} : { modelId: modelId as string }),
  };
}

function isPlainResponse(response: ResponseMetadata): boolean {
  return (
    only(response, ["id", "timestamp", "modelId"]) &&
    (response.timestamp === undefined || response.timestamp instanceof Date)
  );
}

/** A response with more (headers, a body) is an object, its timestamp in epoch ms. */
function packResponse(response: NonNullable<LanguageModelV4GenerateResult["response"]>): unknown {
  if (isPlainResponse(response)) return packResponseRow(response);
  const { timestamp } = response;
  return timestamp instanceof Date ? { ...response, timestamp: timestamp.getTime() } : response;
}

function unpackResponse(packed: unknown): ResponseMetadata {
  if (Array.isArray(packed)) return unpackResponseRow(packed);
  const response = packed as Omit<ResponseMetadata, "timestamp"> & { timestamp?: unknown };
  return typeof response.timestamp === "number"
    ? { ...response, timestamp: new Date(response.timestamp) }
    : (response as ResponseMetadata);
}

/** Whether every member of `value` other than `type` that is not `undefined` is one of `keys`. */
function only(value: object, keys: readonly string[]): boolean {
  for (const key in value) {
    if (key === "type" || keys.includes(key)) continue;
    if ((value as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}
