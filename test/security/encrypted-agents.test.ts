/**
 * With journal encryption on, nothing an agent saw or said is readable where Restate keeps it.
 *
 * Agents of both SDKs (generate, stream, each with a tool and a human approval; a two-turn chat on
 * Virtual Object state, `RestateSession` for the Agents SDK) run with unique markers in the prompt,
 * the tool's result, the model's answer, the reviewer's answer and a response header. The client
 * encrypts inputs and decrypts outputs (it holds the key), so every marker reaches the agents and
 * comes back — and none is found in `sys_journal`, `state`, `sys_invocation`, `sys_inbox`,
 * `sys_promise`, the data directory's files (while running, and after a clean shutdown flushed
 * RocksDB to disk) or the logs. An unencrypted control object proves the searches see plaintext.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  FakeOpenAI,
  type ModelRequest,
  Probe,
  type Reply,
  RestateApi,
  RestateServer,
  ServiceProcess,
} from "@restate-ai/test-harness";
import { generateJournalKey, journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fileCount, filesContaining, storedRows, UNCOMPRESSED_STORAGE } from "./stored-data.ts";

const secureAgents = fileURLToPath(new URL("./services/secure-agents.ts", import.meta.url));
const plainControl = fileURLToPath(new URL("./services/plain-control.ts", import.meta.url));

const markers = {
  prompt: (key: string, turn: number) => `prompt-secret-${key}-${turn}`,
  toolId: (key: string, turn: number) => `tool-secret-${key}-${turn}`,
  /** What the tool answers (the id reversed): in no model message. */
  toolResult: (key: string, turn: number) => [...markers.toolId(key, turn)].reverse().join(""),
  answer: (key: string, turn: number) => `answer-secret-${key}-${turn}`,
  reviewer: (key: string) => `reviewer-secret-${key}`,
  cookie: (key: string) => `cookie-secret-${key}`,
};

/** One vault lookup per user turn, then an approval if asked for, then the answer. */
function secureScript(request: ModelRequest): Reply {
  const turns = [...request.userText.matchAll(/Secure (\S+) turn (\d+):/g)];
  const last = turns.at(-1);
  if (last === undefined) return { text: "ok" };
  const key = last[1] as string;
  const turn = Number(last[2]);
  const headers = { "set-cookie": `session=${markers.cookie(key)}` };
  const lookups = request.toolOutputs.filter((o) => o.name === "vault_lookup").length;
  const approvals = request.toolOutputs.filter((o) => o.name === "request_approval").length;
  if (lookups < turns.length) {
    return {
      toolCalls: [{ name: "vault_lookup", args: { id: markers.toolId(key, turn) } }],
      headers,
    };
  }
  if (request.userText.includes("with approval") && approvals === 0) {
    return { toolCalls: [{ name: "request_approval", args: { reason: "a refund" } }], headers };
  }
  const outputs = request.toolOutputs.map((o) => o.output).join(" | ");
  return {
    text: `${markers.answer(key, turn)} (turns seen: ${turns.length}; ${outputs})`,
    headers,
  };
}

let restate: RestateServer;
let plain: RestateApi;
let probe: Probe;
let fake: FakeOpenAI;
let agents: ServiceProcess;
let control: ServiceProcess;
let dataDir: string;
const logs: string[] = [];
const secrets: string[] = [];
let controlMarker = "";

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "restate-encrypted-"));
  [restate, probe, fake] = await Promise.all([
    RestateServer.start({
      baseDir: dataDir,
      inactivityTimeout: "2s",
      env: {
        ...UNCOMPRESSED_STORAGE,
        RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL: "100ms",
        RESTATE_DEFAULT_RETRY_POLICY__MAX_INTERVAL: "1s",
      },
      onOutput: (text) => logs.push(text),
    }),
    Probe.start(),
    FakeOpenAI.start(secureScript),
  ]);
  const keys = generateJournalKey("suite-1");
  agents = await ServiceProcess.start(secureAgents, {
    env: {
      ...fake.env(),
      PROBE_URL: probe.url,
      RESTATE_AI_JOURNAL_KEYS: keys,
      RESTATE_LOGGING: "DEBUG",
    },
    onOutput: (text) => logs.push(text),
  });
  control = await ServiceProcess.start(plainControl, { onOutput: (text) => logs.push(text) });
  await restate.register(agents.url);
  await restate.register(control.url);
  restate.useCodec(await journalCodec({ keys: parseJournalKeys(keys) }));
  plain = new RestateApi(restate.ingressUrl, restate.adminUrl);
});

afterAll(async () => {
  await Promise.all([agents?.stop(), control?.stop()]);
  await Promise.all([restate?.stop(), probe?.close(), fake?.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

async function approveWhenAsked(key: string): Promise<void> {
  const asked = await vi.waitFor(
    () => {
      const effect = probe
        .list("approval-requested")
        .find((e) => (e.data as { key: string }).key === key);
      if (effect === undefined) throw new Error(`${key}: no approval requested yet`);
      return effect.data as { awakeableId: string };
    },
    { timeout: 20_000, interval: 50 },
  );
  await restate.resolveAwakeable(asked.awakeableId, {
    approved: true,
    note: markers.reviewer(key),
  });
}

const oneShot = [
  "secureVercel/generate",
  "secureVercel/stream",
  "secureAgents/generate",
  "secureAgents/stream",
];
const chats = ["secureVercelChat", "secureAgentsChat"];

describe("journal encryption, end to end", () => {
  it.each(oneShot)("%s: the markers reach the agent and come back", async (target) => {
    const key = randomUUID();
    const id = await restate.send(target, {
      key,
      prompt: `Secure ${key} turn 1: ${markers.prompt(key, 1)}. Look up the record, with approval.`,
    });
    await approveWhenAsked(key);
    const { text } = await restate.attach<{ text: string }>(id);
    expect(text).toContain(markers.answer(key, 1));
    expect(text).toContain(markers.toolResult(key, 1));
    expect(text).toContain(markers.reviewer(key));
    secrets.push(markers.prompt(key, 1), markers.toolResult(key, 1), markers.answer(key, 1));
    secrets.push(markers.reviewer(key), markers.cookie(key));
  });

  it.each(chats)("%s: a two-turn chat remembers, in encrypted state", async (object) => {
    const key = randomUUID();
    for (const turn of [1, 2]) {
      const { text } = await restate.call<{ text: string }>(`${object}/${key}/message`, {
        key,
        prompt: `Secure ${key} turn ${turn}: ${markers.prompt(key, turn)}.`,
      });
      expect(text).toContain(markers.answer(key, turn));
      // the model saw both user turns: the history came back from (encrypted) state
      expect(text).toContain(`turns seen: ${turn};`);
      secrets.push(markers.prompt(key, turn), markers.toolResult(key, turn));
      secrets.push(markers.answer(key, turn));
    }
    secrets.push(markers.cookie(key));
    const [state] = await restate.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM state WHERE service_name = '${object}' AND service_key = '${key}'`,
    );
    expect(Number(state?.n)).toBeGreaterThan(0);
  });

  it("the control: an unencrypted object's values are found by every search", async () => {
    controlMarker = `control-plain-${randomUUID()}`;
    expect(await plain.call(`plainControl/${randomUUID()}/keep`, controlMarker)).toBe(
      `output run ${controlMarker}`,
    );
    const rows = await storedRows(restate);
    for (const stored of [controlMarker, `state ${controlMarker}`, `run ${controlMarker}`]) {
      expect(rows).toContain(stored);
    }
    await vi.waitFor(
      async () => expect(await filesContaining(dataDir, `run ${controlMarker}`)).not.toEqual([]),
      { timeout: 10_000, interval: 200 },
    );
  });

  it("no marker in sys_journal, state, sys_invocation, sys_inbox or sys_promise", async () => {
    expect(secrets).toHaveLength(4 * 5 + 2 * 7);
    const rows = await storedRows(restate);
    expect(rows.length).toBeGreaterThan(10_000);
    expect(secrets.filter((secret) => rows.includes(secret))).toEqual([]);
  });

  it("no marker in the data directory's files, nor in the logs", async () => {
    expect(await fileCount(dataDir)).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(await filesContaining(dataDir, secret), secret).toEqual([]);
    }
    const log = logs.join("");
    expect(log).toContain("Invocation completed successfully");
    expect(secrets.filter((secret) => log.includes(secret))).toEqual([]);
  });

  it("nor after a clean shutdown flushed RocksDB to disk (the control still is)", async () => {
    await Promise.all([agents.stop(), control.stop()]);
    await restate.stop();
    expect(await filesContaining(dataDir, `run ${controlMarker}`)).not.toEqual([]);
    for (const secret of secrets) {
      expect(await filesContaining(dataDir, secret), secret).toEqual([]);
    }
  });
});
