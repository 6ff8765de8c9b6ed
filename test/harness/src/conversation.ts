/**
 * The fake model's view of a request, and the scripts that answer it.
 *
 * A script answers from the request alone (which step of the conversation it is, what the user
 * asked, what the tools returned), never from a counter: a retried or replayed agent sends the
 * same request for the same step and must get the same answer, even after the service restarted.
 */

/** A model request, normalised across the Chat Completions and Responses APIs. */
export interface ModelRequest {
  api: "chat" | "responses";
  model: string;
  stream: boolean;
  /** Assistant turns already in the conversation: 0 for the first model call of an agent. */
  step: number;
  /** Text of all user messages, joined by newlines. */
  userText: string;
  /** System prompt / instructions. */
  system: string;
  /** Tool outputs sent back to the model so far, in order, with the name of the tool called. */
  toolOutputs: { callId: string; name: string; output: string }[];
  /** Names of the tools offered in this request. */
  tools: string[];
  body: Record<string, unknown>;
}

export interface ToolCallReply {
  name: string;
  args: unknown;
  /** Defaults to `call_<step>_<index>`. */
  id?: string;
  /** Sent instead of `JSON.stringify(args)`, e.g. to send malformed JSON. */
  rawArguments?: string;
}

/** What the fake model answers: text and/or tool calls. */
export interface ModelTurn {
  text?: string;
  toolCalls?: ToolCallReply[];
  /** Stream only: drop the connection after this many events (a broken stream). */
  breakAfterEvents?: number;
  /** Stream only: wait this long between events. */
  eventDelayMs?: number;
  /** Wait this long before answering at all. */
  latencyMs?: number;
  /** Response headers to send along (e.g. a `set-cookie` that must not be journaled). */
  headers?: Record<string, string>;
}

/** An HTTP error answer, e.g. `{ status: 500 }` or `{ status: 429, headers: { "retry-after": "1" } }`. */
export interface ErrorReply {
  status: number;
  message?: string;
  headers?: Record<string, string>;
}

export type Reply = ModelTurn | ErrorReply;
export type Script = (request: ModelRequest) => Reply | Promise<Reply>;

export function isErrorReply(reply: Reply): reply is ErrorReply {
  return "status" in reply;
}

/** The output of the last call of tool `name` in the request, if any. */
export function outputOf(request: ModelRequest, name: string): string | undefined {
  return request.toolOutputs.filter((output) => output.name === name).at(-1)?.output;
}

/**
 * A script that answers step `i` with `turns[i]` (the last turn repeats). A turn may be a function
 * of the request, e.g. to write the final answer from the tool outputs.
 */
export function conversation(...turns: Array<Reply | Script>): Script {
  if (turns.length === 0) throw new Error("a conversation needs at least one turn");
  return (request) => {
    const turn = turns[Math.min(request.step, turns.length - 1)] as Reply | Script;
    return typeof turn === "function" ? turn(request) : turn;
  };
}

type Item = Record<string, unknown> & { type?: string; role?: string };

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { text?: string }) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}

/** Normalises a Chat Completions or Responses request body. */
export function parseModelRequest(
  api: "chat" | "responses",
  body: Record<string, unknown>,
): ModelRequest {
  const items = (api === "chat" ? body.messages : normaliseInput(body.input)) as Item[];
  let step = 0;
  let inAssistantTurn = false;
  const user: string[] = [];
  const system: string[] = typeof body.instructions === "string" ? [body.instructions] : [];
  const toolOutputs: ModelRequest["toolOutputs"] = [];
  const callNames = new Map<string, string>();
  const output = (callId: string, text: string) =>
    toolOutputs.push({ callId, name: callNames.get(callId) ?? "", output: text });
  for (const item of items) {
    if (item.type === "function_call") callNames.set(String(item.call_id), String(item.name));
    for (const call of (item.tool_calls as Item[] | undefined) ?? []) {
      callNames.set(String(call.id), String((call.function as Item | undefined)?.name));
    }
    const assistantItem =
      item.role === "assistant" || item.type === "function_call" || item.type === "item_reference";
    if (assistantItem && !inAssistantTurn) step++;
    inAssistantTurn = assistantItem;
    if (item.role === "user") user.push(textOf(item.content));
    if (item.role === "system" || item.role === "developer") system.push(textOf(item.content));
    if (item.role === "tool") output(String(item.tool_call_id), textOf(item.content));
    if (item.type === "function_call_output") {
      output(
        String(item.call_id),
        typeof item.output === "string" ? item.output : JSON.stringify(item.output),
      );
    }
  }
  const tools = ((body.tools as Item[] | undefined) ?? []).map((tool) =>
    String((tool.function as Item | undefined)?.name ?? tool.name),
  );
  return {
    api,
    model: String(body.model),
    stream: body.stream === true,
    step,
    userText: user.join("\n"),
    system: system.join("\n"),
    toolOutputs,
    tools,
    body,
  };
}

function normaliseInput(input: unknown): Item[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  return Array.isArray(input) ? (input as Item[]) : [];
}
