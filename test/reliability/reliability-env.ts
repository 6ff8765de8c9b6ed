/**
 * What the reliability suites share: the suite around the reliability agents, the scripted
 * N-step conversation, per-run accounting (LLM requests, side effects, journal mismatches) and the
 * figures each scenario reports to `npm run test:reliability`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  type ModelRequest,
  type Reply,
  type Script,
  startAgentSuite,
} from "@restate-ai/test-harness";
import { journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";

export const full = process.env.RELIABILITY_SCALE === "full";

export type Sdk = "vercel" | "agents";
/** Which agent a run targets; `vercel-agent` is the Vercel agent written as a `DurableAgent`. */
export type AgentKind = Sdk | "vercel-agent";
export type Mode = "generate" | "stream";
export const variants: { sdk: Sdk; mode: Mode }[] = [
  { sdk: "vercel", mode: "generate" },
  { sdk: "vercel", mode: "stream" },
  { sdk: "agents", mode: "generate" },
  { sdk: "agents", mode: "stream" },
];

export const target = (
  sdk: AgentKind,
  mode: Mode | "generatePlain" | "generateUnordered" = "generate",
) =>
  `${{ vercel: "vercelAgent", "vercel-agent": "vercelDurableAgent", agents: "agentsAgent" }[sdk]}/${mode}`;

/** The reliability agents' service module (both SDKs, generate and stream, and `DurableAgent`). */
export const reliabilityAgents = fileURLToPath(
  new URL("./services/all-agents.ts", import.meta.url),
);

export interface ReliabilitySuite extends AgentSuite {
  /** Lines of the service's output that report a journal mismatch, since the start. */
  mismatchReports: string[];
  /** Everything the service process and restate-server printed, since the start. */
  serviceLog: string[];
  serverLog: string[];
}

export interface ReliabilitySuiteOptions {
  /**
   * Encrypt journals and state: the service gets this key set (`RESTATE_AI_JOURNAL_KEYS`) and the
   * suite's client encrypts inputs and decrypts results with it.
   */
  journalKeys?: string;
  /** Extra environment of the service. */
  env?: Record<string, string>;
}

/**
 * Retries of failed attempts that are quick (100 ms, at most 1 s apart) and never give up: an
 * endless retry must show as a run that never ends.
 */
export const quickRetries = {
  RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL: "100ms",
  RESTATE_DEFAULT_RETRY_POLICY__MAX_INTERVAL: "1s",
};

/** Collects the service's output lines that report a journal mismatch into `reports`. */
export const mismatchCollector = (reports: string[]) => (text: string) => {
  for (const line of text.split("\n")) {
    if (/RT0016|journal mismatch/i.test(line)) reports.push(line);
  }
};

/**
 * A restate-server with {@link quickRetries} that suspends after 2 s idle, the fake OpenAI API,
 * the probe and the agents' service.
 */
export async function startReliabilitySuite(
  options: ReliabilitySuiteOptions = {},
): Promise<ReliabilitySuite> {
  const mismatchReports: string[] = [];
  const serviceLog: string[] = [];
  const serverLog: string[] = [];
  const collectMismatches = mismatchCollector(mismatchReports);
  const suite = await startAgentSuite(reliabilityAgents, {
    restate: {
      inactivityTimeout: "2s",
      env: quickRetries,
      onOutput: (text) => serverLog.push(text),
    },
    env: {
      ...(options.journalKeys === undefined
        ? {}
        : { RESTATE_AI_JOURNAL_KEYS: options.journalKeys }),
      ...options.env,
    },
    onServiceOutput: (text) => {
      serviceLog.push(text);
      collectMismatches(text);
    },
  });
  if (options.journalKeys !== undefined) {
    suite.restate.useCodec(await journalCodec({ keys: parseJournalKeys(options.journalKeys) }));
  }
  return Object.assign(suite, { mismatchReports, serviceLog, serverLog });
}

export const stepsPrompt = (key: string, steps: number) => `Agent ${key}: run ${steps} steps.`;

export function parseStepsPrompt(request: ModelRequest) {
  const match = /Agent (\S+): run (\d+) steps/.exec(request.userText);
  return match === null ? undefined : { key: match[1] as string, steps: Number(match[2]) };
}

/**
 * The N-step agent: step k < N-1 asks for `record_step` with `{ step: k }`, the last step answers
 * from the tool outputs. `decorate` may change a reply (latency, a kill, a failure); `nonce` gives
 * each answer a number that the tool records, to tell which answer was journaled.
 */
export function stepsScript(
  options: {
    decorate?: (request: ModelRequest, reply: Reply) => Reply | Promise<Reply>;
    nonce?: (request: ModelRequest) => number;
  } = {},
): Script {
  return (request) => {
    const run = parseStepsPrompt(request);
    if (run === undefined) return { text: "ok" };
    const nonce = options.nonce?.(request) ?? null;
    const reply: Reply =
      request.step < run.steps - 1
        ? { toolCalls: [{ name: "record_step", args: { step: request.step, nonce } }] }
        : {
            text: `Done ${run.key} (${nonce ?? "-"}): ${request.toolOutputs.map((o) => o.output).join(", ")}`,
          };
    return options.decorate ? options.decorate(request, reply) : reply;
  };
}

/** LLM requests the fake answered for run `key`. */
export function requestsOf(suite: Pick<AgentSuite, "fake">, key: string) {
  return suite.fake.requests.filter((r) => parseStepsPrompt(r)?.key === key);
}

/** How often each step's tool effect ran for run `key`, by step. */
export function effectsOf(suite: Pick<AgentSuite, "probe">, key: string, name = "tool-effect") {
  const counts = new Map<number, number>();
  for (const effect of suite.probe.list(name)) {
    const data = effect.data as { key: string; step: number };
    if (data.key === key) counts.set(data.step, (counts.get(data.step) ?? 0) + 1);
  }
  return counts;
}

export interface Figures {
  scenario: string;
  runs: number;
  passes: number;
  /** LLM requests ÷ LLM steps, over all runs. */
  llmRequestsPerStep: number;
  /** Journaled LLM calls or tool effects that ran again. */
  duplicates: number;
  mismatches: number;
  seconds: number;
  notes?: string;
  /** Scenarios on a cluster (test/cluster), shown in a table of their own. */
  cluster?: {
    /** Nodes killed (SIGKILL) during the scenario. */
    kills: number;
    /** The SDKs and modes of the agents, e.g. "vercel stream". */
    agents: string;
    /** Model calls in flight at a kill that were requested again. */
    inFlightRepeats: number;
    /** From a kill to an affected agent's next progress (model request or tool effect), ms. */
    stallMs?: { median: number; max: number };
    /** From a client's lost connection to its result through another node, ms. */
    reattachMs?: { median: number; max: number };
    /** How long after its invocation completed a re-attached client had the result, ms. */
    afterCompletionMs?: { median: number; max: number };
  };
}

/** Hands a scenario's figures to `npm run test:reliability` (a no-op under plain `npm test`). */
export async function reportFigures(figures: Figures): Promise<void> {
  const dir = process.env.RELIABILITY_FIGURES_DIR;
  if (dir === undefined) return;
  const file = `${figures.scenario.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.json`;
  await writeFile(join(dir, file), JSON.stringify(figures));
}
