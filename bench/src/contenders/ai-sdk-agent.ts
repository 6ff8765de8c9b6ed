/**
 * The AI SDK agent every AI SDK contender runs: `generateText` or `streamText` with one `lookup`
 * tool, stopped after the requested number of steps. Returns the number of steps it made, so the
 * driver can check that each contender really ran the whole agent.
 */
import { generateText, type LanguageModel, stepCountIs, streamText, type ToolSet, tool } from "ai";
import { z } from "zod";

export function lookupTool(execute: (step: number) => Promise<unknown> | unknown) {
  return tool({
    description: "Look up the record of a step.",
    inputSchema: z.object({ step: z.number() }),
    execute: async ({ step }) => execute(step),
  });
}

export async function runAiSdkAgent(options: {
  model: LanguageModel;
  tools: ToolSet;
  steps: number;
  stream: boolean;
}): Promise<number> {
  const settings = {
    model: options.model,
    prompt: "Look up the records, one step at a time.",
    tools: options.tools,
    stopWhen: stepCountIs(options.steps),
    maxRetries: 0,
  };
  if (!options.stream) return (await generateText(settings)).steps.length;
  const result = streamText(settings);
  await result.consumeStream();
  return (await result.steps).length;
}
