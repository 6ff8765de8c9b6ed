/**
 * Scenario 5, bad input from the model, the provider or the tools, for both SDKs. For each: the
 * run ends (recovered, or failed with an error naming the cause — a `TerminalError` where retrying
 * cannot help), the invocation never retries forever (the server here retries without end, so an
 * endless retry would time out), and what was journaled before is kept: the first, good step is
 * never requested or run again.
 *
 * And no secret is stored or logged: the service runs with a recognisable API key, the provider's
 * errors echo it (masked as OpenAI does, and raw as careless proxies do), its responses set a
 * session cookie; after all cases, neither appears in `sys_journal`, `sys_invocation` (failures),
 * `state`, `sys_inbox`, `sys_promise`, nor in the service's (debug level) or restate-server's logs.
 */
import { randomUUID } from "node:crypto";
import type { ModelRequest, Reply } from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedRows } from "../security/stored-data.ts";
import {
  effectsOf,
  type ReliabilitySuite,
  reportFigures,
  type Sdk,
  startReliabilitySuite,
  target,
} from "./reliability-env.ts";

/** A recognisable fake key: the service's OPENAI_API_KEY for this suite. */
const API_KEY = "sk-proj-RAItestKEY7c1f9e2b5a8d4f60";
/** The key as OpenAI's 401 shows it. */
const MASKED_KEY = `${API_KEY.slice(0, 8)}${"*".repeat(API_KEY.length - 12)}${API_KEY.slice(-4)}`;
const SESSION_COOKIE = "session-RAItestCOOKIE-91b2";

const goodStep: Reply = {
  toolCalls: [{ name: "record_step", args: { step: 0, nonce: null } }],
  headers: { "set-cookie": `__session=${SESSION_COOKIE}; HttpOnly` },
};
const recovered = (request: ModelRequest): Reply => ({
  text: `Recovered after: ${request.toolOutputs.at(-1)?.output}`,
});
const MIB = 1024 * 1024;

type Outcome = { recovers: RegExp } | { fails: RegExp };

interface BadCase {
  name: string;
  /** The second step's reply (the first records step 0); only the first time if `once`. */
  bad: Reply;
  once?: boolean;
  /** `recovers`: the run completes and its output matches; `fails`: it fails with a match. */
  outcome: Outcome | Record<Sdk, Outcome>;
  /** LLM requests of the bad step. */
  badRequests: number | Record<Sdk, number>;
}

const bySdk = <T>(value: T | Record<Sdk, T>, sdk: Sdk): T =>
  value !== null && typeof value === "object" && "vercel" in value && "agents" in value
    ? (value as Record<Sdk, T>)[sdk]
    : (value as T);

const cases: BadCase[] = [
  {
    name: "malformed tool-call JSON",
    bad: { toolCalls: [{ name: "record_step", args: {}, rawArguments: '{"step": 1, "nonce": ' }] },
    outcome: { recovers: /Recovered after: .*(JSON|json|parse|Invalid)/ },
    badRequests: 1,
  },
  {
    name: "an unknown tool name",
    bad: { toolCalls: [{ name: "delete_everything", args: {} }] },
    outcome: {
      // The AI SDK tells the model; the Agents SDK fails the run (a ModelBehaviorError).
      vercel: { recovers: /Recovered after: .*delete_everything/ },
      agents: { fails: /ModelBehaviorError: Tool delete_everything not found/ },
    },
    badRequests: 1,
  },
  {
    name: "arguments failing the schema",
    bad: { toolCalls: [{ name: "record_step", args: { step: "one", nonce: null } }] },
    outcome: { recovers: /Recovered after: .*(step|number|Invalid|invalid)/ },
    badRequests: 1,
  },
  {
    name: "an empty response",
    bad: {},
    outcome: {
      // An empty answer ends an AI SDK loop; the Agents SDK asks again until its turn limit.
      vercel: { recovers: /^$/ },
      agents: { fails: /MaxTurnsExceededError: Max turns \(10\) exceeded/ },
    },
    badRequests: { vercel: 1, agents: 9 },
  },
  {
    name: "a 429 with retry-after",
    bad: { status: 429, message: "Rate limit reached", headers: { "retry-after": "1" } },
    once: true,
    outcome: { recovers: /Recovered after: "?result 0/ },
    badRequests: 2,
  },
  {
    name: "a 500 once",
    bad: { status: 500, message: "The server had an error" },
    once: true,
    outcome: { recovers: /Recovered after: "?result 0/ },
    badRequests: 2,
  },
  {
    name: "500s every time",
    bad: {
      status: 500,
      message: `The server had an error (the proxy saw Authorization: Bearer ${API_KEY})`,
    },
    outcome: { fails: /500|server had an error/ },
    badRequests: 3,
  },
  {
    name: "a 401",
    bad: {
      status: 401,
      message: `Incorrect API key provided: ${MASKED_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    },
    outcome: { fails: /401|Incorrect API key/ },
    badRequests: 1,
  },
  {
    name: "a 403 echoing the raw key",
    bad: { status: 403, message: `Forbidden: api-key ${API_KEY} has no access to this model` },
    outcome: { fails: /403|Forbidden/ },
    badRequests: 1,
  },
  {
    name: "a response larger than the journal limit",
    bad: { text: "x".repeat(3 * MIB) },
    outcome: { fails: /maxJournalEntryBytes/ },
    badRequests: 1,
  },
  ...(["function", "bigint", "cyclic"] as const).map(
    (kind): BadCase => ({
      name: `a tool returning a ${kind}`,
      bad: { toolCalls: [{ name: "return_unsendable", args: { kind } }] },
      outcome: {
        fails: new RegExp(`return_unsendable.*${kind === "cyclic" ? "cyclic" : kind}`, "i"),
      },
      badRequests: 1,
    }),
  ),
];

function badScript(request: ModelRequest): Reply {
  const match = /Agent (\S+): bad (.+)\.$/m.exec(request.userText);
  const bad = cases.find((c) => c.name === match?.[2]);
  if (match === null || bad === undefined) return { text: "ok" };
  if (request.step === 0) return goodStep;
  if (request.step > 1) return recovered(request);
  const seen = (seenBad.get(match[1] as string) ?? 0) + 1;
  seenBad.set(match[1] as string, seen);
  if (bad.once && seen > 1) return recovered(request);
  return bad.bad;
}
const seenBad = new Map<string, number>();

describe.each(["vercel", "agents"] as Sdk[])("%s agent: bad input", (sdk) => {
  let suite: ReliabilitySuite;
  let passes = 0;
  let started = 0;
  beforeAll(async () => {
    started = Date.now();
    suite = await startReliabilitySuite({
      env: { OPENAI_API_KEY: API_KEY, RESTATE_LOGGING: "DEBUG" },
    });
    suite.fake.reset(badScript);
  });
  afterAll(async () => {
    await reportFigures({
      scenario: `bad input, ${sdk}`,
      runs: cases.length + 1,
      passes,
      llmRequestsPerStep: 1,
      duplicates: 0,
      mismatches: suite.mismatchReports.length,
      seconds: (Date.now() - started) / 1000,
      notes: "every run ended: recovered, or failed naming the cause",
    });
    await suite.stop();
  });

  it.each(cases)("$name", async (bad) => {
    const outcome = bySdk(bad.outcome, sdk);
    const key = randomUUID();
    const id = await suite.restate.send(target(sdk), {
      key,
      prompt: `Agent ${key}: bad ${bad.name}.`,
    });
    const requests = () => suite.fake.requests.filter((r) => r.userText.includes(key));
    if ("recovers" in outcome) {
      const output = await suite.restate.attach<{ text: string }>(id, 40_000);
      expect(output.text).toMatch(outcome.recovers);
    } else {
      await expect(suite.restate.attach(id, 40_000)).rejects.toThrow(outcome.fails);
      const row = await suite.restate.invocation(id);
      expect(row?.status).toBe("completed");
      expect(row?.completion_failure).toMatch(outcome.fails);
    }
    expect(requests().filter((r) => r.step === 0)).toHaveLength(1);
    expect(requests().filter((r) => r.step === 1)).toHaveLength(bySdk(bad.badRequests, sdk));
    expect(effectsOf(suite, key).get(0)).toBe(1);
    passes++;
  });

  it("a missing API key fails at once, naming it, without a request", async () => {
    await suite.service.restart({ OPENAI_API_KEY: undefined });
    try {
      const key = randomUUID();
      const id = await suite.restate.send(target(sdk), { key, prompt: `Agent ${key}: bad key.` });
      await expect(suite.restate.attach(id, 40_000)).rejects.toThrow(/OPENAI_API_KEY|API key/);
      const row = await suite.restate.invocation(id);
      expect(row?.status).toBe("completed");
      expect(row?.completion_failure).toMatch(/OPENAI_API_KEY|API key/);
      expect(suite.fake.requests.filter((r) => r.userText.includes(key))).toHaveLength(0);
    } finally {
      await suite.service.restart({ OPENAI_API_KEY: API_KEY });
    }
    passes++;
  });

  it("stored and logged no secret: neither the API key, masked or not, nor the session cookie", async () => {
    const failures = await suite.restate.invocations("completion_result = 'failure'");
    expect(failures.length).toBeGreaterThanOrEqual(5);
    const stored = await storedRows(suite.restate);
    expect(stored).toContain("[redacted]");
    expect(stored).toContain("Incorrect API key provided");
    const logs = `${suite.serviceLog.join("")}\n${suite.serverLog.join("")}`;
    expect(logs).toContain("[redacted]");
    for (const secret of [API_KEY, "RAItestKEY", MASKED_KEY, "RAItestCOOKIE"]) {
      expect(stored.includes(secret), `${secret} stored`).toBe(false);
      expect(logs.includes(secret), `${secret} logged`).toBe(false);
    }
  });
});
