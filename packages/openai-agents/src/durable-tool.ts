/**
 * `durableTool`: the Agents SDK's `tool()` with Restate's error semantics.
 *
 * The SDK hands every error a tool throws to its `errorFunction`, whose default shows the model a
 * fixed message and carries on. A durable tool instead:
 * - ends the run on a cancellation (`CancelledError`) or an attempt-ending signal (suspension 599,
 *   closed 598): `run()` rejects with it, the model is not called again;
 * - fails the run on a `TerminalError` (or, with `terminalErrors: "model"`, shows its message to the
 *   model);
 * - shows the model why its call was invalid (malformed JSON, arguments failing the schema), so
 *   it can correct the call, where the SDK's default hides the reason behind a generic message;
 * - hands any other error to the tool's own `errorFunction`, or to the SDK's default message;
 * - fails the run with a `TerminalError` naming the tool when its result cannot be sent to the
 *   model (a function, a `BigInt`, a cyclic object), a programming error the SDK would otherwise
 *   stringify into the conversation.
 *
 * With `journal`, `execute` runs inside `ctx.run`, so its result is journaled and a replay does not
 * run it again.
 */
import {
  type FunctionTool,
  type RunContext,
  type ToolInputParameters,
  type ToolOptions,
  tool,
  type UnknownContext,
} from "@openai/agents";
import { isRestateControlError, isTerminalError, unsendableToolOutput } from "@restate-ai/core";
import { type RunOptions, TerminalError } from "@restatedev/restate-sdk";
import { currentScope, restateContext } from "./durable-scope.js";

/** The message the Agents SDK shows the model when a tool fails (its default is not exported). */
export const DEFAULT_TOOL_ERROR_MESSAGE =
  "An error occurred while running the tool. Please try again.";

export interface DurableToolExtras {
  /** What a `TerminalError` does: `"fail"` the run (default), or show its message to the `"model"`. */
  terminalErrors?: "fail" | "model";
  /**
   * Run `execute` inside `ctx.run` (named after the tool, or this name), journaling its result.
   * `execute` must then not use the Restate context itself.
   */
  journal?: boolean | string;
  /** Retry policy of the journaled `execute`. */
  journalOptions?: Omit<RunOptions<unknown>, "serde">;
}

type ToolCallDetails = Parameters<FunctionTool["invoke"]>[2];
type ErrorFunction = (
  context: RunContext<unknown>,
  error: unknown,
  details?: ToolCallDetails,
) => unknown;
type Execute = (
  input: unknown,
  context?: RunContext<unknown>,
  details?: ToolCallDetails,
) => unknown;

/**
 * Defines a tool like the SDK's `tool()`, with Restate's error semantics (see above).
 *
 * ```ts
 * const getWeather = durableTool({
 *   name: "get_weather",
 *   description: "Get the current weather for a city.",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => restateContext().run("get weather", () => fetchWeather(city)),
 * });
 * ```
 */
export function durableTool<
  TParameters extends ToolInputParameters = undefined,
  Context = UnknownContext,
  Result = string,
>(
  options: ToolOptions<TParameters, Context> & DurableToolExtras,
): FunctionTool<Context, TParameters, Result> {
  const { terminalErrors = "fail", journal, journalOptions, ...toolOptions } = options;
  const execute = toolOptions.execute as Execute;
  const userErrorFunction = (toolOptions as { errorFunction?: ErrorFunction | null }).errorFunction;
  const name = typeof journal === "string" ? journal : String(toolOptions.name ?? execute.name);
  const journaledExecute: Execute = journal
    ? (input, context, details) =>
        restateContext().run(name, async () => execute(input, context, details), {
          ...journalOptions,
        })
    : execute;
  const checkedExecute: Execute = async (input, context, details) => {
    const output = await journaledExecute(input, context, details);
    const unsendable = unsendableToolOutput(output);
    if (unsendable === undefined) return output;
    throw new TerminalError(
      `Tool "${String(toolOptions.name)}" returned ${unsendable}, which cannot be sent to the model.`,
    );
  };
  const errorFunction: ErrorFunction = async (context, error, details) => {
    if (isRestateControlError(error)) {
      currentScope()?.end(error);
      throw error;
    }
    if (isTerminalError(error)) {
      if (terminalErrors === "fail") throw error;
      return error.message;
    }
    if (userErrorFunction === null) throw error;
    if (userErrorFunction) return userErrorFunction(context, error, details);
    return isInvalidToolInput(error)
      ? `Invalid arguments for tool ${String(toolOptions.name)}: ${invalidInputReason(error)}`
      : DEFAULT_TOOL_ERROR_MESSAGE;
  };
  return tool({
    ...toolOptions,
    execute: checkedExecute,
    errorFunction,
  } as unknown as ToolOptions<TParameters, Context>) as FunctionTool<Context, TParameters, Result>;
}

/** The SDK's error for arguments it could not parse or validate (the model's mistake). */
function isInvalidToolInput(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "InvalidToolInputError" || name === "ModelBehaviorError";
}

/**
 * The validator's own message (which field, what was expected) when the SDK kept it, i.e. when its
 * tool-data logging is on (`OPENAI_AGENTS_DONT_LOG_TOOL_DATA=0`); otherwise the SDK's summary.
 */
function invalidInputReason(error: unknown): string {
  const { message, originalError } = error as { message?: unknown; originalError?: unknown };
  const original = (originalError as { message?: unknown } | undefined)?.message;
  return typeof original === "string" ? original : String(message);
}
