/**
 * Format 2 of the Agents SDK's model call entries (see the core's `journal-format.ts`): a
 * `getResponse` result or a streamed call's events as plain JSON. What the runner reads back is
 * kept: usage is a row `[inputTokens, outputTokens, totalTokens, requests]` when it has no token
 * details and no per-request entries (otherwise the object it is); output items, response ids,
 * provider data and every other event stay as they are.
 */
import type { ModelResponse, StreamEvent } from "@openai/agents";
import type { JournaledStream, PackedCodec } from "@restate-ai/core";
import { FORMAT_2, FORMAT_KEY } from "@restate-ai/core";

/** A journaled `getResponse` (usage as a plain object, rebuilt into a `Usage` after). */
export type JournaledResponse = Omit<ModelResponse, "usage"> & { usage: object };
type StreamEntry = JournaledStream<StreamEvent, undefined>;
export type ResponseEntry = JournaledResponse | StreamEntry;

interface UsageFields {
  requests?: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  inputTokensDetails?: unknown;
  outputTokensDetails?: unknown;
  requestUsageEntries?: unknown;
}

export const responseEntryCodec: PackedCodec<ResponseEntry> = {
  pack: (entry) =>
    "parts" in entry
      ? { [FORMAT_KEY]: FORMAT_2, p: entry.parts.map(packEvent) }
      : { [FORMAT_KEY]: FORMAT_2, ...entry, usage: packUsage(entry.usage) },
  unpack: (packed) => {
    const { [FORMAT_KEY]: _format, ...entry } = packed;
    if (Array.isArray(entry.p)) return { parts: (entry.p as StreamEvent[]).map(unpackEvent) };
    return { ...(entry as JournaledResponse), usage: unpackUsage(entry.usage) };
  },
};

function packEvent(event: StreamEvent): unknown {
  if (event.type !== "response_done") return event;
  return { ...event, response: { ...event.response, usage: packUsage(event.response.usage) } };
}

function unpackEvent(event: StreamEvent): StreamEvent {
  if (event.type !== "response_done") return event;
  const usage = unpackUsage(event.response.usage) as typeof event.response.usage;
  return { ...event, response: { ...event.response, usage } };
}

const isEmpty = (details: unknown) =>
  details === undefined || (Array.isArray(details) && details.length === 0);

function packUsage(usage: object): unknown {
  const fields = usage as UsageFields;
  const simple =
    isEmpty(fields.inputTokensDetails) &&
    isEmpty(fields.outputTokensDetails) &&
    fields.requestUsageEntries === undefined &&
    Object.keys(usage).every((key) => key in EMPTY_USAGE);
  if (!simple) {
    // `RequestUsage` instances as the plain records the `Usage` constructor rebuilds them from
    const entries = fields.requestUsageEntries;
    return Array.isArray(entries)
      ? { ...usage, requestUsageEntries: entries.map((entry: object) => ({ ...entry })) }
      : { ...usage };
  }
  return [fields.inputTokens, fields.outputTokens, fields.totalTokens, fields.requests ?? null];
}

function unpackUsage(packed: unknown): object {
  if (!Array.isArray(packed)) return packed as object;
  const [inputTokens, outputTokens, totalTokens, requests] = packed as (number | null)[];
  return {
    ...(requests === null ? {} : { requests }),
    inputTokens,
    outputTokens,
    totalTokens,
    inputTokensDetails: [],
    outputTokensDetails: [],
  };
}

/** The members a usage row stands for. */
const EMPTY_USAGE: Record<keyof UsageFields, true> = {
  requests: true,
  inputTokens: true,
  outputTokens: true,
  totalTokens: true,
  inputTokensDetails: true,
  outputTokensDetails: true,
  requestUsageEntries: true,
};
