/**
 * A contender's child process and the ways the driver reaches it, each through the system's
 * normal entry: a Restate contender through the restate-server's ingress (registered when it
 * starts), a plain, DBOS or Vercel Workflow contender through its own minimal HTTP entry.
 * `invoke` runs one agent and checks it made every step; `send` + `attach` start one and wait for
 * it separately (the crash figures); `storedBytes` is what the system stored for one agent. An
 * encrypted contender's inputs and results pass through its journal codec, as its clients' would.
 */
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RestateApi, ServiceProcess, type ValueCodec } from "@restate-ai/test-harness";
import { generateJournalKey, journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";
import type { Contender } from "./contender-list.ts";
import type { Postgres } from "./postgres.ts";
import type { AgentInput } from "./scripted-step.ts";
import { workflowRunBytes } from "./workflow/run-files.ts";

const plainEntry = fileURLToPath(new URL("./plain-entry.ts", import.meta.url));
/** The journal key of the encrypted contenders: the driver encrypts inputs, decrypts results. */
const journalKeys = generateJournalKey("bench");
const codec = await journalCodec({ keys: parseJournalKeys(journalKeys) });

/** The servers and stores a run's contenders use; the optional ones when their contenders run. */
export interface Systems {
  /** A restate-server, or a cluster (any of its nodes). */
  restate: RestateApi;
  postgres?: Postgres;
  /**
   * Where the Vercel Workflow contender's local world keeps its files: a new empty directory
   * under this one for each process it starts (kept across that process's restarts). Its file
   * store lists a whole directory per read, so it slows as runs accumulate; each process starts
   * from its best case.
   */
  workflowData?: string;
}

/** Each DBOS contender gets its own system database, so no process recovers another's work. */
export const dbosDatabase = (contender: Contender) => `dbos_${contender.id.replace(/\W/g, "_")}`;

/**
 * The environment that keeps a restarted process from recovering its crashed agent at once, so
 * the replay figure can warm it up first (then `resume`). Restate needs none: its retry interval
 * is long enough in that figure. DBOS recovers at launch what its executor id owns, so the
 * process takes another id; the local world recovers when it starts, so that waits for `resume`.
 */
export function deferredRecoveryEnv(contender: Contender): Record<string, string> {
  if ("dbos" in contender.target) return { BENCH_DBOS_EXECUTOR: "bench-replay" };
  if ("workflow" in contender.target) return { BENCH_DEFER_RECOVERY: "1" };
  return {};
}

/** A wait for an agent's result ran out: the system did not finish it (crash figures record it). */
export class StalledError extends Error {}

export class RunningContender {
  readonly contender: Contender;
  readonly process: ServiceProcess;
  /** The journal codec of an encrypted contender, for clients of its handlers. */
  readonly codec: ValueCodec | undefined;
  private readonly systems: Systems;
  private readonly url: string;
  private readonly env: Record<string, string>;

  private constructor(
    contender: Contender,
    process: ServiceProcess,
    systems: Systems,
    url: string,
    env: Record<string, string>,
  ) {
    this.contender = contender;
    this.process = process;
    this.codec = contender.encrypts === undefined ? undefined : codec;
    this.systems = this.codec === undefined ? systems : { ...systems, restate: withCodec(systems) };
    this.url = url;
    this.env = env;
  }

  static async start(
    contender: Contender,
    systems: Systems,
    env: Record<string, string> = {},
  ): Promise<RunningContender> {
    const { target } = contender;
    const storeEnv = await systemEnv(contender, systems);
    const keys = contender.encrypts === undefined ? {} : { RESTATE_AI_JOURNAL_KEYS: journalKeys };
    const process = await ServiceProcess.start(contender.module, {
      guardNetwork: false,
      env: { RESTATE_LOGGING: "WARN", ...keys, ...storeEnv, ...env },
      ...("service" in target ? {} : { entry: plainEntry }),
    });
    if ("service" in target) {
      await systems.restate.register(process.url);
      const url = `${systems.restate.ingressUrl}/${target.service}/run`;
      return new RunningContender(contender, process, systems, url, storeEnv);
    }
    const handler = "plain" in target ? target.plain : "dbos" in target ? target.dbos : "run";
    const url = `${process.url}/${handler}`;
    return new RunningContender(contender, process, systems, url, storeEnv);
  }

  /** The same process registered with another Restate too (a durable contender only). */
  async alsoOn(restate: RestateApi): Promise<RunningContender> {
    await restate.register(this.process.url);
    return this.through(restate.ingressUrl, { ...this.systems, restate });
  }

  /** The same contender invoked through another ingress (e.g. another node of a cluster). */
  through(ingressUrl: string, systems = this.systems): RunningContender {
    const { target } = this.contender;
    if (!("service" in target)) throw new Error(`${this.contender.id} is not a Restate service`);
    const url = `${ingressUrl}/${target.service}/run`;
    return new RunningContender(this.contender, this.process, systems, url, this.env);
  }

  /** Runs one agent to completion; fails unless it made every step. */
  async invoke(input: AgentInput): Promise<void> {
    this.checkSteps(input, await this.post(this.url, input, undefined, this.codec));
  }

  /** Starts one agent without waiting for it; returns its invocation, workflow or run id. */
  async send(input: AgentInput): Promise<string> {
    const { target } = this.contender;
    if ("service" in target) return this.systems.restate.send(`${target.service}/run`, input);
    if ("plain" in target) throw new Error(`${this.contender.id} is not durable`);
    const workflow = "dbos" in target ? target.dbos : undefined;
    return JSON.parse(await this.post(`${this.process.url}/start`, { workflow, input })) as string;
  }

  /**
   * Waits for an agent started with `send`; fails unless it made every step, and with a
   * `StalledError` when DBOS or Vercel Workflow has not finished it within `timeoutMs`.
   */
  async attach(id: string, input: AgentInput, timeoutMs = 120_000): Promise<void> {
    const { target } = this.contender;
    if ("plain" in target) throw new Error(`${this.contender.id} is not durable`);
    const result =
      "service" in target
        ? await this.systems.restate.attach(id, timeoutMs)
        : await this.post(`${this.process.url}/result`, { id }, timeoutMs);
    this.checkSteps(input, result);
  }

  /**
   * Resumes a crashed agent whose recovery was held back: Restate's resume API retries the
   * backing-off invocation at once; DBOS and Vercel Workflow (`deferredRecoveryEnv`) through
   * their entry's `resume`.
   */
  async resume(id: string): Promise<void> {
    if (!("service" in this.contender.target)) {
      await this.post(`${this.process.url}/resume`, { id });
      return;
    }
    const { restate } = this.systems;
    const deadline = Date.now() + 10_000;
    while ((await restate.invocation(id))?.status !== "backing-off") {
      if (Date.now() > deadline) throw new Error(`${this.contender.id}: ${id} is not backing off`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const response = await fetch(`${restate.adminUrl}/invocations/${id}/resume`, {
      method: "PATCH",
    });
    if (!response.ok) {
      throw new Error(`resuming ${id} failed (${response.status}): ${await response.text()}`);
    }
  }

  /**
   * Bytes the system stored for the agent `id`. Restate: the `sys_journal` entry sizes (input,
   * every step, output). DBOS: each `operation_outputs` row's serialised output (or error) and
   * step name, before Postgres's TOAST compression, plus the workflow's input and output in
   * `workflow_status` (row headers, ids and timestamps are counted on neither side). Vercel
   * Workflow: the local world's files of the run (its run record, events and steps).
   */
  async storedBytes(id: string): Promise<number> {
    const { target } = this.contender;
    const { restate, postgres } = this.systems;
    const workflowData = this.env.BENCH_WORKFLOW_DATA;
    if ("service" in target) {
      const [sum] = await restate.query<{ bytes: number }>(
        `SELECT SUM(raw_length) AS bytes FROM sys_journal WHERE id = '${id}'`,
      );
      return Number(sum?.bytes);
    }
    if ("workflow" in target && workflowData !== undefined) {
      return workflowRunBytes(workflowData, id);
    }
    if (!("dbos" in target) || postgres === undefined) {
      throw new Error(`${this.contender.id} stores nothing`);
    }
    const length = (column: string) => `COALESCE(octet_length(${column}), 0)`;
    const database = dbosDatabase(this.contender);
    const [[steps] = [], [workflow] = []] = await Promise.all([
      postgres.query(
        database,
        `SELECT SUM(${length("output")} + ${length("error")} + ${length("function_name")}) FROM dbos.operation_outputs WHERE workflow_uuid = '${id}'`,
      ),
      postgres.query(
        database,
        `SELECT ${length("inputs")} + ${length("output")} FROM dbos.workflow_status WHERE workflow_uuid = '${id}'`,
      ),
    ]);
    return Number(steps) + Number(workflow);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  private async post(
    url: string,
    body: unknown,
    timeoutMs?: number,
    valueCodec?: ValueCodec,
  ): Promise<string> {
    const json = JSON.stringify(body);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body:
        valueCodec === undefined
          ? json
          : new Uint8Array(valueCodec.encode(new TextEncoder().encode(json))),
      ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
    }).catch((error: Error) => {
      if (error.name === "TimeoutError") {
        throw new StalledError(`${this.contender.id}: no result from ${url} in ${timeoutMs} ms`);
      }
      throw new Error(
        `${this.contender.id}: ${url} failed: ${error.message}\n${this.process.output().slice(-2000)}`,
      );
    });
    const text =
      valueCodec === undefined || !response.ok
        ? await response.text()
        : new TextDecoder().decode(
            await valueCodec.decode(new Uint8Array(await response.arrayBuffer())),
          );
    if (!response.ok) {
      throw new Error(
        `${this.contender.id}: HTTP ${response.status} ${text.slice(0, 500)}\n${this.process.output().slice(-2000)}`,
      );
    }
    return text;
  }

  private checkSteps(input: AgentInput, result: unknown): void {
    if (Number(result) !== input.steps) {
      throw new Error(
        `${this.contender.id}: expected ${input.steps} steps, got ${String(result).slice(0, 500)}\n${this.process.output().slice(-2000)}`,
      );
    }
  }
}

async function systemEnv(contender: Contender, systems: Systems): Promise<Record<string, string>> {
  const { target } = contender;
  if ("dbos" in target) {
    if (systems.postgres === undefined) throw new Error(`${contender.id} needs Postgres`);
    return { DBOS_SYSTEM_DATABASE_URL: systems.postgres.url(dbosDatabase(contender)) };
  }
  if ("workflow" in target) {
    if (systems.workflowData === undefined) throw new Error(`${contender.id} needs a data dir`);
    const dir = await mkdtemp(join(systems.workflowData, `${contender.id}-`));
    return { BENCH_WORKFLOW_DATA: dir };
  }
  return {};
}

/** A client of the same Restate that encrypts inputs and decrypts results, as the service does. */
function withCodec(systems: Systems): RestateApi {
  const api = new RestateApi(systems.restate.ingressUrl, systems.restate.adminUrl);
  api.useCodec(codec);
  return api;
}
