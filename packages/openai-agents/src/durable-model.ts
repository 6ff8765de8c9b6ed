/**
 * Journaled model calls for the Agents SDK.
 *
 * Inside a durable run, each `getResponse` is one journal entry (`model <name>`): a replay returns
 * the journaled response, rebuilt as the runner expects (a `Usage` instance), and the model is not
 * called. `getStreamedResponse` is live on the first execution and replayed from the journal after:
 * the caller receives the events as the provider streams them, the event list is journaled when the
 * stream ends, and `response_done` is released only once it is journaled, so the runner never acts
 * on a turn that could still be lost. The raw `providerData` and raw provider events are left out
 * of the journal unless asked for (the former can be the whole raw response).
 *
 * A model is made durable in place: its two methods look up the durable run on every call and pass
 * through outside one, so the same `Model` instance serves durable and plain runs, concurrently.
 * Inside a durable run its requests carry the SDK's "runner-managed retry" flag, so the Agents
 * SDK's OpenAI models send them with `maxRetries: 0`, whichever client they use: Restate retries
 * through the journal. Two model calls of one Restate context in flight at once (several runs
 * started together in one handler) fail with a `TerminalError` (see `model-call-guard.ts`).
 */
import {
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
  Usage,
} from "@openai/agents";
import {
  callModel,
  classifyModelFailure,
  durableStream,
  enterModelCall,
  isRestateControlError,
  type JournaledStream,
} from "@restate-ai/core";
import type { RunOptions } from "@restatedev/restate-sdk";
import { currentScope, type DurableScope, stepOf } from "./durable-scope.js";
import type { JournaledResponse } from "./response-journal-format.js";

const DURABLE = Symbol.for("@restate-ai/openai-agents/durable-model");
/** The supported way to run agents in parallel, named when several run on one context. */
const PARALLEL_RUNS =
  "each agent an agentService(name, agent) called with ctx.serviceClient(...).run(...), see the README: agents in parallel";

type Durable = Model & { [DURABLE]?: string };
type Call<T> = (request: ModelRequest) => T;

/**
 * Makes a `Model` journal its calls whenever it is called inside a durable run (idempotent).
 *
 * `DurableRunner` does this for the models it resolves and for the `Model` instances of the agents
 * it runs and hands off to; use it for models it cannot see, e.g. of agents used via `asTool`.
 *
 * @param label name of the model in journal entries and error messages.
 */
export function durableModel<M extends Model>(model: M, label = modelLabel(model)): M {
  const target = model as Durable;
  if (target[DURABLE] !== undefined) return model;
  const getResponse: Call<Promise<ModelResponse>> = model.getResponse.bind(model);
  const getStreamedResponse: Call<AsyncIterable<StreamEvent>> =
    model.getStreamedResponse.bind(model);
  Object.defineProperties(model, {
    [DURABLE]: { value: label },
    getResponse: {
      configurable: true,
      writable: true,
      value: (request: ModelRequest) => {
        const scope = currentScope();
        return scope === undefined
          ? getResponse(request)
          : journalResponse(scope, label, request, getResponse);
      },
    },
    getStreamedResponse: {
      configurable: true,
      writable: true,
      value: (request: ModelRequest) => {
        const scope = currentScope();
        return scope === undefined
          ? getStreamedResponse(request)
          : journalStream(scope, label, request, getStreamedResponse);
      },
    },
  });
  return model;
}

/** A `ModelProvider` whose models journal their calls inside durable runs. */
export class DurableModelProvider implements ModelProvider {
  private readonly inner: ModelProvider;
  private readonly nonRetryableIsTerminal: boolean;

  constructor(inner: ModelProvider, nonRetryableIsTerminal = true) {
    this.inner = inner;
    this.nonRetryableIsTerminal = nonRetryableIsTerminal;
  }

  /** The provider's model, made durable; a set-up error no retry can fix is a `TerminalError`. */
  async getModel(modelName?: string): Promise<Model> {
    const model = await callModel(modelName || "default model", this.nonRetryableIsTerminal, () =>
      this.inner.getModel(modelName),
    );
    return durableModel(model, modelName || undefined);
  }
}

/** The model's name as its class keeps it (the Agents SDK's OpenAI models: `_model`). */
function modelLabel(model: Model): string {
  const named = model as unknown as { model?: unknown; _model?: unknown; modelId?: unknown };
  for (const name of [named.model, named._model, named.modelId]) {
    if (typeof name === "string" && name !== "") return name;
  }
  return model.constructor.name;
}

function journalResponse(
  scope: DurableScope,
  label: string,
  request: ModelRequest,
  getResponse: Call<Promise<ModelResponse>>,
): Promise<ModelResponse> {
  const { settings } = scope;
  return stepOf(scope, async () => {
    const leave = enterModelCall(scope.ctx, PARALLEL_RUNS);
    const journaled = await scope.ctx
      .run(
        `model ${label}`,
        async () => {
          const response = await callModel(label, settings.nonRetryableIsTerminal, () =>
            getResponse(runnerManagedRetry(request)),
          );
          const { providerData, usage, ...rest } = response;
          return {
            ...rest,
            usage: { ...usage },
            ...(settings.journalProviderData && providerData !== undefined ? { providerData } : {}),
          };
        },
        settings.modelRunOptions as RunOptions<JournaledResponse>,
      )
      .finally(leave);
    return { ...journaled, usage: new Usage(journaled.usage) };
  });
}

function journalStream(
  scope: DurableScope,
  label: string,
  request: ModelRequest,
  getStreamedResponse: Call<AsyncIterable<StreamEvent>>,
): AsyncIterable<StreamEvent> {
  const { settings } = scope;
  if (scope.endedBy !== undefined) return failing(scope.endedBy.error);
  let leave: () => void;
  try {
    leave = enterModelCall(scope.ctx, PARALLEL_RUNS);
  } catch (error) {
    return failing(error);
  }
  const { parts } = durableStream<StreamEvent, undefined>(
    scope.ctx,
    async () => ({ parts: getStreamedResponse(runnerManagedRetry(request)) }),
    {
      name: `stream ${label}`,
      runOptions: settings.modelRunOptions as RunOptions<JournaledStream<StreamEvent, undefined>>,
      holdFrom: (event) => event.type === "response_done",
      keep: (event) => settings.journalRawEvents || event.type !== "model",
      merge: mergeTextDeltas,
      complete: settings.journalProviderData ? undefined : withoutProviderData,
      mapError: (error) => classifyModelFailure(error, label, settings.nonRetryableIsTerminal),
      onSettled: () => leave(),
    },
  );
  return endRunOnControlError(scope, parts);
}

async function* endRunOnControlError(
  scope: DurableScope,
  events: AsyncIterable<StreamEvent>,
): AsyncIterable<StreamEvent> {
  try {
    yield* events;
  } catch (error) {
    if (isRestateControlError(error)) scope.end(error);
    throw error;
  }
}

/** The request with the SDK's flag that turns its OpenAI client's own retries off. */
function runnerManagedRetry(request: ModelRequest): ModelRequest {
  const internal = (request as { _internal?: Record<string, unknown> })._internal;
  return { ...request, _internal: { ...internal, runnerManagedRetry: true } } as ModelRequest;
}

async function* failing(error: unknown): AsyncIterable<StreamEvent> {
  yield* [];
  throw error;
}

function mergeTextDeltas(previous: StreamEvent, next: StreamEvent): StreamEvent | undefined {
  if (
    previous.type !== "output_text_delta" ||
    next.type !== "output_text_delta" ||
    previous.itemId !== next.itemId ||
    next.providerData !== undefined
  ) {
    return undefined;
  }
  return { ...previous, delta: previous.delta + next.delta };
}

function withoutProviderData(events: StreamEvent[]): StreamEvent[] {
  return events.map((event) => {
    if (event.type !== "response_done") return event;
    const { providerData: _event, ...rest } = event;
    const { providerData: _response, ...response } = rest.response;
    return { ...rest, response };
  });
}
