/**
 * The examples endpoint under test: a restate-server and `examples/src/app.ts` in a child process,
 * with the offline model (no API key), journal encryption on as in `npm start` (a fresh key; the
 * test's client encrypts and decrypts with it), and settings that keep the suite quick.
 */
import { fileURLToPath } from "node:url";
import { RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import { generateJournalKey, journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";
import { vi } from "vitest";

export const examplesApp = fileURLToPath(new URL("../../examples/src/app.ts", import.meta.url));

export interface ExamplesEnvironment {
  restate: RestateServer;
  agents: ServiceProcess;
  /** The awakeable id the agents printed last (reviewers' curl lines). */
  lastAwakeable(): string;
  /** Sends; waits until the agent printed a new awakeable and suspended; returns both ids. */
  sendAndAwaitReviewer(target: string, input: unknown): Promise<{ id: string; awakeable: string }>;
  stop(): Promise<void>;
}

export async function startExamples(): Promise<ExamplesEnvironment> {
  const restate = await RestateServer.start({ inactivityTimeout: "2s" });
  const journalKeys = generateJournalKey("examples-test");
  restate.useCodec(await journalCodec({ keys: parseJournalKeys(journalKeys) }));
  const agents = await ServiceProcess.start(examplesApp, {
    env: {
      RESTATE_AI_JOURNAL_KEYS: journalKeys,
      OPENAI_API_KEY: "",
      OFFLINE_MODEL_LATENCY_MS: "20",
      WEATHER_DENVER_FAILURES: "2",
      APPROVAL_TIMEOUT_MS: "1500",
      RESTATE_INGRESS_URL: restate.ingressUrl,
    },
  });
  await restate.register(agents.url);
  const printed = () => agents.output().match(/awakeables\/([^/\s]+)\/resolve/g) ?? [];
  const lastAwakeable = () => {
    const id = printed().at(-1)?.split("/")[1];
    if (id === undefined) throw new Error(`no awakeable printed yet:\n${agents.output()}`);
    return id;
  };
  return {
    restate,
    agents,
    lastAwakeable,
    async sendAndAwaitReviewer(target, input) {
      const before = printed().length;
      const id = await restate.send(target, input);
      await vi.waitFor(
        () => {
          if (printed().length <= before) throw new Error(`${target} printed no awakeable`);
        },
        { timeout: 15_000, interval: 50 },
      );
      await restate.waitFor(id, (row) => row.status === "suspended");
      return { id, awakeable: lastAwakeable() };
    },
    async stop() {
      await agents.stop();
      await restate.stop();
    },
  };
}
