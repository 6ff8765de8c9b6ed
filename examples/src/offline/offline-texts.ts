/**
 * The offline model's answers when no tool is involved: the text tasks of the pattern examples
 * (prompt chaining, parallel analyses, racing, specialists, decisions) and chat replies.
 */
import type { OfflineMessage } from "./offline-brain.ts";

type TextTask = [RegExp, (text: string) => string];

const TASKS: TextTask[] = [
  [/Extract numerical values/i, extractMetrics],
  [/Sort lines in descending order/i, sortByValue],
  [/markdown table/i, markdownTable],
  [/Analyze sentiment/i, (text) => `Sentiment: ${sentiment(text)}`],
  [
    /Extract 3 key points/i,
    (text) =>
      sentences(text)
        .slice(0, 3)
        .map((s) => `- ${s}`)
        .join("\n"),
  ],
  [/Summarize in one sentence/i, (text) => sentences(text)[0] ?? text],
  [
    /Analyze this thoroughly/i,
    (text) => `After careful analysis: ${text.trim()} deserves a detailed, well-considered answer.`,
  ],
  [/Quick answer/i, (text) => `Quick take: ${text.trim()}`],
];

const SPECIALISTS: [RegExp, string][] = [
  [
    /billing/i,
    "Billing: I reviewed the charges on your account; the refund will be processed within 5 business days.",
  ],
  [
    /account/i,
    "Account: reset your password via the login page; your account is secured with a new session.",
  ],
  [/product/i, "Product: open Settings → Export to download your data as CSV."],
  [/eligib/i, "Eligible: the claim is covered by the policy."],
  [/rate|cost|compare/i, "Cost: the amount is within the standard rates for this treatment."],
  [/fraud/i, "Fraud risk: low."],
];

export function answerWithoutTools(
  system: string,
  messages: OfflineMessage[],
  userText: string,
): string {
  const instruction = `${system}\n${userText}`;
  for (const [pattern, answer] of TASKS) {
    if (pattern.test(instruction)) return answer(payloadOf(userText, pattern));
  }
  if (/decision engine|decide about claim/i.test(instruction)) {
    return /fraud risk: high|not eligible|not covered/i.test(userText)
      ? "Decision: the claim is rejected."
      : "Decision: the claim is approved.";
  }
  for (const [role, answer] of SPECIALISTS) {
    if (role.test(system)) return answer;
  }
  const turn = messages.filter((m) => m.role === "user").length;
  return `(offline model) You said: "${userText}". This is message ${turn} of our conversation.`;
}

/** The text a task is about: after `Input:`, or after the instruction and its colon. */
function payloadOf(text: string, instruction: RegExp): string {
  const input = text.indexOf("Input:");
  if (input >= 0) return text.slice(input + "Input:".length).trim();
  const match = instruction.exec(text);
  if (match === null) return text.trim();
  const rest = text.slice(match.index + match[0].length);
  const colon = rest.indexOf(":");
  return (colon >= 0 ? rest.slice(colon + 1) : rest).trim();
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function sentiment(text: string): string {
  const positive = (text.match(/good|great|improv|happy|love|excellent|grow/gi) ?? []).length;
  const negative = (text.match(/bad|poor|declin|angry|hate|terrible|drop/gi) ?? []).length;
  return positive > negative ? "positive" : negative > positive ? "negative" : "neutral";
}

function extractMetrics(text: string): string {
  const lines: string[] = [];
  for (const match of text.matchAll(
    /([A-Za-z][A-Za-z ]*?)\s+(?:rose to|fell to|improved to|reached|of|at|was|is)\s+(\d+(?:\.\d+)?%?)/g,
  )) {
    lines.push(`${(match[1] as string).trim()}: ${match[2]}`);
  }
  return lines.join("\n");
}

function numberIn(line: string): number {
  return Number.parseFloat(line.split(":").at(-1) ?? "") || 0;
}

function sortByValue(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.includes(":"))
    .sort((a, b) => numberIn(b) - numberIn(a))
    .join("\n");
}

function markdownTable(text: string): string {
  const rows = text
    .split("\n")
    .filter((line) => line.includes(":"))
    .map((line) => {
      const [metric, value] = line.split(/:\s*/);
      return `| ${metric} | ${value} |`;
    });
  return ["| Metric | Value |", "|:--|--:|", ...rows].join("\n");
}

/** A chat reply of about eighty words, so its streaming can be watched (and interrupted). */
export function chatReply(userText: string): string {
  return [
    `You asked: "${userText.trim()}".`,
    "Here is how this chat stays correct when things go wrong.",
    "Every token you see is appended to a log kept by Restate, next to the agent's journal.",
    "Reload the page and the stream continues from where your browser stopped.",
    "Kill the agent in the middle of a sentence and Restate retries the step:",
    "the half-written step is withdrawn, and the retried one streams in its place.",
    "Steps that were already journaled are never sent twice, and the stop button cancels the run itself.",
    "(offline model)",
  ].join(" ");
}
