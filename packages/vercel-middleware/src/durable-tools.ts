/**
 * `durableTools`: makes the AI SDK's tool execution safe to replay and lets Restate's control flow
 * out of the tool loop.
 *
 * - Tool executions run one at a time, in the order the AI SDK starts them (the model's order),
 *   whatever they await before touching the Restate context: the journal order never depends on
 *   timing, so a replay cannot mismatch it.
 * - A cancellation (`CancelledError`) or an attempt-ending signal (suspension 599, closed 598) in a
 *   tool is never shown to the model: the `generateText`/`streamText` call rejects with it during
 *   that very step (before `onStepFinish`, even in the last step), later tools of the step do not
 *   start, and the model is not called again.
 * - Other errors, `TerminalError`s included, keep the AI SDK's behaviour: the model sees them.
 * - A result the AI SDK cannot send to the model (a function, a `BigInt`, a cyclic object; tools
 *   with their own `toModelOutput` excepted) fails the call with a `TerminalError` naming the tool:
 *   left to the SDK, it would fail the same way on every retry, or reach the model as nothing.
 *
 * How the rejection happens: the AI SDK catches every error a tool throws, so the tool returns a
 * marker instead, which the SDK serialises when it writes the step's tool results (its `toJSON`, or
 * the tool's own `toModelOutput`, throws the original error).
 */
import { isRestateControlError, Turnstile, unsendableToolOutput } from "@restate-ai/core";
import { type Context, TerminalError } from "@restatedev/restate-sdk";
import type { ToolExecutionOptions, ToolSet } from "ai";
import { abortLoop, type LoopState, loopState } from "./loop-state.js";

/** The output of a tool run that ended the loop. */
class AbortedToolRun {
  readonly error: unknown;

  constructor(error: unknown) {
    this.error = error;
  }

  toJSON(): never {
    throw this.error;
  }
}

type Execute = (input: unknown, options: ToolExecutionOptions<never>) => unknown;
type ToModelOutput = (options: { toolCallId: string; input: unknown; output: unknown }) => unknown;

/**
 * Wraps the tools of an agent so that their executions are journaled in a deterministic order and
 * Restate's cancellation and suspension end the agent instead of reaching the model.
 *
 * ```ts
 * const { text } = await generateText({
 *   model: wrapLanguageModel({ model: openai("gpt-4o"), middleware: durableCalls(ctx) }),
 *   tools: durableTools(ctx, { getWeather, bookFlight }),
 *   prompt,
 * });
 * ```
 *
 * Run work in parallel inside one tool with `RestatePromise.all/any/race`, which journal
 * deterministically. Tools defined as `async function*` (streaming tools) hold their turn until
 * they finish.
 */
export function durableTools<TOOLS extends ToolSet>(ctx: Context, tools: TOOLS): TOOLS {
  const state = loopState(ctx);
  const ordered = orderOf(state, new Turnstile());
  const wrapped: Record<string, unknown> = {};
  for (const [name, tool] of Object.entries(tools)) {
    state.wrappedTools.add(name);
    const execute = tool.execute as Execute | undefined;
    if (execute === undefined) {
      wrapped[name] = tool;
      continue;
    }
    const toModelOutput = tool.toModelOutput as ToModelOutput | undefined;
    wrapped[name] = {
      ...tool,
      execute: isAsyncGeneratorFunction(execute)
        ? streamingExecute(state, ordered, execute)
        : orderedExecute(state, ordered, execute, toModelOutput === undefined ? name : undefined),
      ...(toModelOutput === undefined
        ? {}
        : {
            toModelOutput: (options: Parameters<ToModelOutput>[0]) => {
              if (options.output instanceof AbortedToolRun) throw options.output.error;
              return toModelOutput(options);
            },
          }),
    };
  }
  return wrapped as TOOLS;
}

/**
 * The turnstile of a tool call: the one of the model response that asked for it (recorded by
 * `durableCalls`), so a sub-agent's tool calls, from its own responses, never wait on the tool
 * running it; or, for a model not wrapped with `durableCalls`, one for this tool set. When the
 * AI SDK's execution of the call already holds that turn (`sdk-hooks.ts`), it runs at once.
 */
function orderOf(state: LoopState, ownTurnstile: Turnstile) {
  return (options: ToolExecutionOptions<never>): Pick<Turnstile, "run" | "iterate"> => {
    const pending = state.pendingToolCalls.get(options.toolCallId);
    if (pending?.orderedBySdk) return inTurnAlready;
    return pending?.turnstile ?? ownTurnstile;
  };
}

/** For executions that already hold their turn (ordered through the AI SDK's hooks). */
const inTurnAlready: Pick<Turnstile, "run" | "iterate"> = {
  run: async (task) => task(),
  iterate: (start) => iterateNow(start),
};

async function* iterateNow<T>(start: () => AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  yield* start();
}

type Order = ReturnType<typeof orderOf>;

/** @param checkedName the tool's name if its result goes to the model as JSON (to be checked). */
function orderedExecute(
  state: LoopState,
  order: Order,
  execute: Execute,
  checkedName: string | undefined,
): Execute {
  return (input, options) =>
    order(options).run(async () => {
      if (state.abort !== undefined) return new AbortedToolRun(state.abort.error);
      let output: unknown;
      try {
        output = await execute(input, options);
      } catch (error) {
        return endLoopOn(state, error);
      }
      const unsendable = checkedName === undefined ? undefined : unsendableToolOutput(output);
      if (unsendable === undefined) return output;
      const error = new TerminalError(
        `Tool "${checkedName}" returned ${unsendable}, which cannot be sent to the model.`,
      );
      abortLoop(state, error);
      return new AbortedToolRun(error);
    });
}

function streamingExecute(state: LoopState, order: Order, execute: Execute): Execute {
  return (input, options) =>
    (async function* () {
      const turnstile = order(options);
      try {
        yield* turnstile.iterate(() => {
          if (state.abort !== undefined) return single(new AbortedToolRun(state.abort.error));
          return execute(input, options) as AsyncIterable<unknown>;
        });
      } catch (error) {
        yield endLoopOn(state, error);
      }
    })();
}

/** Turns a control error into the marker that ends the loop; rethrows anything else. */
function endLoopOn(state: LoopState, error: unknown): AbortedToolRun {
  if (!isRestateControlError(error)) throw error;
  abortLoop(state, error);
  return new AbortedToolRun(error);
}

async function* single<T>(value: T): AsyncGenerator<T> {
  yield value;
}

function isAsyncGeneratorFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor.name === "AsyncGeneratorFunction";
}
