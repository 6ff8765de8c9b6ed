/**
 * The offline model's reasoning: a deterministic script per example.
 *
 * It reads the conversation the way an LLM would see it — system prompt, messages, offered tools,
 * tool results — picks the tool the prompt calls for, fills its arguments from the prompt, and
 * writes the final answer from the tool results. Same request, same reply: a replay or a retry
 * gets what the first execution got.
 */
import { amountIn, argumentsFor, citiesIn, claimIn, type JsonSchema } from "./extract.ts";
import { answerWithoutTools, chatReply } from "./offline-texts.ts";

export interface OfflineTool {
  name: string;
  description?: string;
  parameters?: JsonSchema;
}

export interface OfflineMessage {
  role: "user" | "assistant" | "tool";
  text: string;
  /** For tool results: the tool that produced them. */
  toolName?: string;
}

export interface OfflineRequest {
  system: string;
  messages: OfflineMessage[];
  tools: OfflineTool[];
  /** May the reply call several tools at once? */
  parallelToolCalls: boolean;
}

export interface OfflineToolCall {
  name: string;
  args: object;
}

export interface OfflineReply {
  text?: string;
  toolCalls?: OfflineToolCall[];
}

/** What the current turn (since the last user message) has produced so far. */
interface Turn {
  request: OfflineRequest;
  userText: string;
  results: { toolName: string; text: string }[];
  called: (tool: string) => boolean;
}

type Rule = (turn: Turn) => OfflineReply | undefined;

export function decide(request: OfflineRequest): OfflineReply {
  const lastUser = request.messages.map((m) => m.role).lastIndexOf("user");
  const userText = request.messages[lastUser]?.text ?? "";
  const results = request.messages
    .slice(lastUser + 1)
    .filter((m) => m.role === "tool")
    .map((m) => ({ toolName: m.toolName ?? "", text: m.text }));
  const turn: Turn = {
    request,
    userText,
    results,
    called: (tool) => results.some((result) => result.toolName === tool),
  };
  for (const rule of [webChat, handoff, route, moderate, approveClaim, callEachTool]) {
    const reply = rule(turn);
    if (reply !== undefined) return reply;
  }
  return { text: answerWithoutTools(request.system, request.messages, userText) };
}

const tool = (turn: Turn, pattern: RegExp) => turn.request.tools.find((t) => pattern.test(t.name));
const call = (t: OfflineTool, text: string, city?: string): OfflineToolCall => ({
  name: t.name,
  args: argumentsFor(t.parameters, text, city),
});

/** The web chat: a refund or the weather when asked for, else a reply long enough to watch stream. */
const webChat: Rule = (turn) => {
  if (!/web chat assistant/i.test(turn.request.system)) return undefined;
  if (turn.results.length > 0) return { text: `${summarize(turn)}\nAnything else?` };
  const refund = tool(turn, /refund/i);
  if (refund !== undefined && /refund/i.test(turn.userText)) {
    return { toolCalls: [{ name: refund.name, args: { amount: amountIn(turn.userText) ?? 10 } }] };
  }
  const weather = tool(turn, /weather/i);
  if (weather !== undefined && /weather/i.test(turn.userText)) {
    return { toolCalls: [call(weather, turn.userText, citiesIn(turn.userText)[0])] };
  }
  return { text: chatReply(turn.userText) };
};

/** Agents SDK handoffs: transfer to the specialist whose name or description the request matches. */
const handoff: Rule = (turn) => {
  const transfers = turn.request.tools.filter((t) => t.name.startsWith("transfer_to_"));
  if (transfers.length === 0 || turn.results.length > 0) return undefined;
  const stems = new Set(
    (turn.userText.toLowerCase().match(/[a-z]{4,}/g) ?? []).map((w) => w.slice(0, 5)),
  );
  const score = (t: OfflineTool) =>
    (`${t.name} ${t.description ?? ""}`.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((w) =>
      stems.has(w.slice(0, 5)),
    ).length;
  const target = transfers.reduce((best, t) => (score(t) > score(best) ? t : best));
  return { toolCalls: [{ name: target.name, args: {} }] };
};

const SPECIALIST_TOPICS: [RegExp, RegExp][] = [
  [/bill/i, /bill|charge|refund|payment|invoice|price/i],
  [/account/i, /login|log in|password|account|security|locked|2fa/i],
  [/product/i, /feature|how (do|can|to)|guide|export|setting/i],
];

/** Routing: ask the one specialist the question is about, or answer directly. */
const route: Rule = (turn) => {
  const specialists = turn.request.tools.filter((t) => /agent$/i.test(t.name));
  if (specialists.length < 2) return undefined;
  if (turn.results.length > 0) return { text: turn.results.map((r) => r.text).join("\n") };
  for (const [name, topic] of SPECIALIST_TOPICS) {
    const specialist = specialists.find((t) => name.test(t.name));
    if (specialist !== undefined && topic.test(turn.userText)) {
      return { toolCalls: [call(specialist, turn.userText)] };
    }
  }
  return { text: `General answer (offline model): ${turn.userText}` };
};

/** Content moderation: escalate uncertain content to a human, decide the rest. */
const moderate: Rule = (turn) => {
  const review = tool(turn, /review/i);
  if (review === undefined || !/moderat/i.test(turn.request.system)) return undefined;
  if (turn.results.length > 0) return { text: `Moderator decision: ${turn.results[0]?.text}` };
  if (/maybe|borderline|not sure|sarcas|\?/i.test(turn.userText)) {
    return { toolCalls: [call(review, turn.userText)] };
  }
  return {
    text: /hate|kill|scam|spam/i.test(turn.userText)
      ? "Content violates the policy."
      : "Content approved: no policy violation.",
  };
};

/** Claims: a human approves claims over 1000; smaller ones are decided directly. */
const approveClaim: Rule = (turn) => {
  const approval = tool(turn, /approv/i);
  if (approval === undefined || !/claim/i.test(turn.request.system)) return undefined;
  const claim = claimIn(turn.userText);
  if (turn.results.length > 0) {
    const answer = turn.results[0]?.text ?? "";
    const approved = /^true$|"approved":\s*true|^approved|approved by/i.test(answer.trim());
    const reason = /^(true|false)$/.test(answer.trim()) ? "." : `: ${answer}`;
    return {
      text: `Your claim of ${claim.amount}USD was ${approved ? "approved" : "rejected"} after human review${reason}`,
    };
  }
  if ((amountIn(turn.userText) ?? 0) > 1000) return { toolCalls: [call(approval, turn.userText)] };
  return { text: `Your claim of ${claim.amount}USD was approved automatically.` };
};

/**
 * Everything else: call each offered tool once, in the order offered — once per city the prompt
 * names, for tools that take a city — then answer from the results. One call per step unless
 * parallel tool calls are allowed.
 */
const callEachTool: Rule = (turn) => {
  if (turn.request.tools.length === 0) return undefined;
  const pending: OfflineToolCall[] = [];
  for (const t of turn.request.tools) {
    const takesCity = Object.keys(t.parameters?.properties ?? {}).some((p) =>
      /city|location/i.test(p),
    );
    const cities = takesCity ? citiesIn(turn.userText) : [];
    const instances =
      cities.length > 0
        ? cities.map((city) => call(t, turn.userText, city))
        : [call(t, turn.userText)];
    const done = turn.results.filter((r) => r.toolName === t.name).length;
    pending.push(...instances.slice(done));
  }
  if (turn.results.some((r) => /error|declined|not available|unavailable/i.test(r.text))) {
    return { text: summarize(turn) };
  }
  if (pending.length === 0) return { text: summarize(turn) };
  return { toolCalls: turn.request.parallelToolCalls ? pending : pending.slice(0, 1) };
};

function summarize(turn: Turn): string {
  const lines = turn.results.map((r) => {
    const weather = parseWeather(r.text);
    return weather ?? `${r.toolName}: ${r.text}`;
  });
  return lines.join("\n");
}

function parseWeather(text: string): string | undefined {
  try {
    const w = JSON.parse(text) as { city?: string; temperature?: number; description?: string };
    if (w.city === undefined || w.temperature === undefined) return undefined;
    return `The weather in ${w.city} is currently ${w.temperature}°C with ${w.description} conditions (simulated weather data).`;
  } catch {
    return undefined;
  }
}
