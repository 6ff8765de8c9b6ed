/**
 * What the chat stream publisher, the `ChatStreams` log and the chat endpoint say to each other.
 *
 * A chunk's position is replay-invariant: `seg` counts the `start-step` chunks of the turn so far
 * (0 before the first), `pos` is its offset inside the segment in units — one per chunk, one per
 * character of a delta. A replay merges deltas (fewer, longer ones) but every chunk keeps its
 * position, so the log can tell what it already has. `live` marks chunks of a model step that ran
 * in the publishing attempt rather than from the journal.
 */

/** A UI message chunk of the AI SDK's UI message stream protocol (`UIMessageChunk`). */
export type UIChunk = { type: string } & Record<string, unknown>;

export type AppendItem =
  | { chunk: UIChunk; seg: number; pos: number; live: boolean }
  /** The publishing attempt runs the model step of segment `claim` live. */
  | { claim: number }
  /** The turn's stream is complete. */
  | { close: true };

export interface AppendRequest {
  turnId: string;
  /** The invocation running the turn: stopping the chat cancels it. */
  invocationId: string;
  /** Orders attempts of the invocation: later attempts sort higher. */
  attempt: string;
  items: AppendItem[];
}

export interface AppendResult {
  accepted: boolean;
  /** Number of chunks in the log. */
  tail: number;
  /** Why nothing more of this attempt is wanted. */
  refused?: "superseded attempt" | "closed turn" | "older turn";
}

export interface ReadRequest {
  /** Offset of the first chunk wanted. */
  from: number;
  /** The turn to read; default: the chat's current turn. A turn not started yet is waited for. */
  turnId?: string;
}

export type ReadResult =
  | { kind: "chunks"; turnId: string; chunks: UIChunk[]; next: number; done: boolean }
  | { kind: "unknown" }
  | { kind: "expired"; turnId: string }
  | { kind: "past-end"; turnId: string; tail: number };

export type StopResult =
  | { kind: "stopped"; turnId: string; invocationId: string }
  | { kind: "unknown" }
  | { kind: "finished"; turnId: string };

export interface ApprovalAnswerRequest {
  approvalId: string;
  approved: boolean;
  reason?: string;
}

export type ApprovalAnswerResult =
  | { kind: "answered" }
  | { kind: "unknown" }
  | { kind: "answered-before" };

const DELTA_FIELD: Record<string, string> = {
  "text-delta": "delta",
  "reasoning-delta": "delta",
  "tool-input-delta": "inputTextDelta",
};

/** Units a chunk takes: the length of a delta, 1 for any other chunk. */
export function chunkUnits(chunk: UIChunk): number {
  const field = DELTA_FIELD[chunk.type];
  if (field === undefined) return 1;
  const delta = chunk[field];
  return typeof delta === "string" ? delta.length : 0;
}

/** The part of a delta chunk after its first `units` characters. */
export function dropUnits(chunk: UIChunk, units: number): UIChunk {
  const field = DELTA_FIELD[chunk.type];
  if (field === undefined || units <= 0) return chunk;
  return { ...chunk, [field]: String(chunk[field]).slice(units) };
}

/** What the chat endpoint sends to the handler that runs a turn. */
export interface ChatTurn {
  chatId: string;
  turnId: string;
  /** The chat's messages as the client sent them (AI SDK `UIMessage`s). */
  messages: unknown[];
  trigger: "submit-message" | "regenerate-message";
  /** Extra fields of the request body (e.g. the transport's `body` option). */
  body: Record<string, unknown>;
}

/** Headers of the AI SDK's UI message stream protocol (`UI_MESSAGE_STREAM_HEADERS`). */
export const UI_STREAM_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-vercel-ai-ui-message-stream": "v1",
  "x-accel-buffering": "no",
};

/** Response header naming the turn a stream belongs to. */
export const TURN_HEADER = "x-restate-chat-turn";
