/**
 * A contender's child process and the ways the driver reaches it, each through the system's
 * normal entry: a Restate contender through the restate-server's ingress (registered when it
 * starts), a plain or DBOS contender through its own minimal HTTP entry. `invoke` runs one agent
 * and checks it made every step; `send` + `attach` start one and wait for it separately (the
 * crash figures); `storedBytes` is what the system stored for one agent.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import type { Contender } from "./contender-list.ts";
import type { Postgres } from "./postgres.ts";
import type { AgentInput } from "./scripted-step.ts";

const plainEntry = fileURLToPath(new URL("./plain-entry.ts", import.meta.url));

/** The servers a run's contenders use; Postgres only when the DBOS contenders run. */
export interface Systems {
  restate: RestateServer;
  postgres?: Postgres;
}

/** Each DBOS contender gets its own system database, so no process recovers another's work. */
export const dbosDatabase = (contender: Contender) => `dbos_${contender.id.replace(/\W/g, "_")}`;

export class RunningContender {
  readonly contender: Contender;
  readonly process: ServiceProcess;
  private readonly systems: Systems;
  private readonly url: string;

  private constructor(
    contender: Contender,
    process: ServiceProcess,
    systems: Systems,
    url: string,
  ) {
    this.contender = contender;
    this.process = process;
    this.systems = systems;
    this.url = url;
  }

  static async start(
    contender: Contender,
    systems: Systems,
    env: Record<string, string> = {},
  ): Promise<RunningContender> {
    const { target } = contender;
    const dbosEnv: Record<string, string> = {};
    if ("dbos" in target) {
      if (systems.postgres === undefined) throw new Error(`${contender.id} needs Postgres`);
      dbosEnv.DBOS_SYSTEM_DATABASE_URL = systems.postgres.url(dbosDatabase(contender));
    }
    const process = await ServiceProcess.start(contender.module, {
      guardNetwork: false,
      env: { RESTATE_LOGGING: "WARN", ...dbosEnv, ...env },
      ...("service" in target ? {} : { entry: plainEntry }),
    });
    if ("service" in target) {
      await systems.restate.register(process.url);
      const url = `${systems.restate.ingressUrl}/${target.service}/run`;
      return new RunningContender(contender, process, systems, url);
    }
    const handler = "plain" in target ? target.plain : target.dbos;
    return new RunningContender(contender, process, systems, `${process.url}/${handler}`);
  }

  /** Runs one agent to completion; fails unless it made every step. */
  async invoke(input: AgentInput): Promise<void> {
    this.checkSteps(input, await this.post(this.url, input));
  }

  /** Starts one agent without waiting for it; returns its invocation or workflow id. */
  async send(input: AgentInput): Promise<string> {
    const { target } = this.contender;
    if ("service" in target) return this.systems.restate.send(`${target.service}/run`, input);
    if ("dbos" in target) {
      const id = randomUUID();
      const body = { workflow: target.dbos, id, input };
      await this.post(`${this.process.url}/start`, body);
      return id;
    }
    throw new Error(`${this.contender.id} is not durable`);
  }

  /** Waits for an agent started with `send`; fails unless it made every step. */
  async attach(id: string, input: AgentInput): Promise<void> {
    const { target } = this.contender;
    if ("service" in target) {
      this.checkSteps(input, await this.systems.restate.attach(id, 60_000));
    } else if ("dbos" in target) {
      this.checkSteps(input, await this.post(`${this.process.url}/result`, { id }));
    } else throw new Error(`${this.contender.id} is not durable`);
  }

  /** DBOS only: resumes a workflow (`DBOS.resumeWorkflow`), as recovery would. */
  async resume(id: string): Promise<void> {
    await this.post(`${this.process.url}/resume`, { id });
  }

  /**
   * Bytes the system stored for the agent `id`. Restate: the `sys_journal` entry sizes (input,
   * every step, output). DBOS: each `operation_outputs` row's serialised output (or error) and
   * step name, before Postgres's TOAST compression, plus the workflow's input and output in
   * `workflow_status` (row headers, ids and timestamps are counted on neither side).
   */
  async storedBytes(id: string): Promise<number> {
    const { target } = this.contender;
    if ("service" in target) {
      const [sum] = await this.systems.restate.query<{ bytes: number }>(
        `SELECT SUM(raw_length) AS bytes FROM sys_journal WHERE id = '${id}'`,
      );
      return Number(sum?.bytes);
    }
    const { postgres } = this.systems;
    if (postgres === undefined || !("dbos" in target)) {
      throw new Error(`${this.contender.id} stores nothing`);
    }
    const length = (column: string) => `COALESCE(octet_length(${column}), 0)`;
    const [[steps] = [], [workflow] = []] = await Promise.all([
      postgres.query(
        dbosDatabase(this.contender),
        `SELECT SUM(${length("output")} + ${length("error")} + ${length("function_name")}) FROM dbos.operation_outputs WHERE workflow_uuid = '${id}'`,
      ),
      postgres.query(
        dbosDatabase(this.contender),
        `SELECT ${length("inputs")} + ${length("output")} FROM dbos.workflow_status WHERE workflow_uuid = '${id}'`,
      ),
    ]);
    return Number(steps) + Number(workflow);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  private async post(url: string, body: unknown): Promise<string> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
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
