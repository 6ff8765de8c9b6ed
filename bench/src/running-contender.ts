/**
 * A contender's child process, registered with the run's restate-server when it is durable, and
 * the one way the driver invokes it: an HTTP request per agent (Restate ingress, or the plain
 * entry), checked to have run every step.
 */
import { fileURLToPath } from "node:url";
import { type RestateApi, ServiceProcess, type ValueCodec } from "@restate-ai/test-harness";
import { generateJournalKey, journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";
import type { Contender } from "./contender-list.ts";
import type { AgentInput } from "./scripted-step.ts";

const plainEntry = fileURLToPath(new URL("./plain-entry.ts", import.meta.url));
/** The journal key of the encrypted contenders: the driver encrypts inputs, decrypts results. */
const journalKeys = generateJournalKey("bench");
const codec = await journalCodec({ keys: parseJournalKeys(journalKeys) });

export class RunningContender {
  readonly contender: Contender;
  readonly process: ServiceProcess;
  private readonly url: string;
  /** The journal codec of an encrypted contender, for clients of its handlers. */
  readonly codec: ValueCodec | undefined;

  private constructor(contender: Contender, process: ServiceProcess, url: string) {
    this.contender = contender;
    this.process = process;
    this.url = url;
    this.codec = contender.encrypts === undefined ? undefined : codec;
  }

  static async start(
    contender: Contender,
    restate: RestateApi,
    env: Record<string, string> = {},
  ): Promise<RunningContender> {
    const durable = "service" in contender.target;
    const process = await ServiceProcess.start(contender.module, {
      guardNetwork: false,
      env: {
        RESTATE_LOGGING: "WARN",
        ...(contender.encrypts === undefined ? {} : { RESTATE_AI_JOURNAL_KEYS: journalKeys }),
        ...env,
      },
      ...(durable ? {} : { entry: plainEntry }),
    });
    if ("service" in contender.target) {
      await restate.register(process.url);
      return new RunningContender(
        contender,
        process,
        `${restate.ingressUrl}/${contender.target.service}/run`,
      );
    }
    return new RunningContender(contender, process, `${process.url}/${contender.target.plain}`);
  }

  /** The same process registered with another Restate too (a durable contender only). */
  async alsoOn(restate: RestateApi): Promise<RunningContender> {
    await restate.register(this.process.url);
    return this.through(restate.ingressUrl);
  }

  /** The same contender invoked through another ingress (e.g. another node of a cluster). */
  through(ingressUrl: string): RunningContender {
    const { target } = this.contender;
    if (!("service" in target)) throw new Error(`${this.contender.id} is not a Restate service`);
    return new RunningContender(
      this.contender,
      this.process,
      `${ingressUrl}/${target.service}/run`,
    );
  }

  /** Runs one agent to completion; fails unless it made every step. */
  async invoke(input: AgentInput): Promise<void> {
    const json = JSON.stringify(input);
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body:
        this.codec === undefined
          ? json
          : new Uint8Array(this.codec.encode(new TextEncoder().encode(json))),
    });
    const body =
      this.codec === undefined || !response.ok
        ? await response.text()
        : new TextDecoder().decode(
            await this.codec.decode(new Uint8Array(await response.arrayBuffer())),
          );
    if (!response.ok || Number(body) !== input.steps) {
      throw new Error(
        `${this.contender.id}: expected ${input.steps} steps, got HTTP ${response.status} ${body.slice(0, 500)}\n${this.process.output().slice(-2000)}`,
      );
    }
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
