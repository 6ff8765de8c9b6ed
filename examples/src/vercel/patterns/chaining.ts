/**
 * Pattern — prompt chaining: three LLM steps, each journaled, each fed by the previous one.
 *
 *   curl localhost:8080/PromptChaining/process --json '{"message": "Q3 revenue rose to 45 million. Customer satisfaction improved to 92 points. Churn fell to 3.5%."}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import type { Context } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import { generateText, wrapLanguageModel } from "ai";
import { llm } from "../../llm.ts";

async function process(ctx: Context, report: { message: string }) {
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  const ask = async (prompt: string) => (await generateText({ model, prompt, maxRetries: 0 })).text;

  // Step 1: Extract metrics
  const extract = await ask(`Extract numerical values and their metrics from the text.
    Format as 'Metric Name: Value' per line. Input: ${report.message}`);
  // Step 2: Process the result from Step 1
  const sortedMetrics = await ask(`Sort lines in descending order by value: ${extract}`);
  // Step 3: Format as table
  return ask(`Format the data as a markdown table: ${sortedMetrics}`);
}

export const promptChaining = restate.service({
  name: "PromptChaining",
  handlers: { process },
});
