/**
 * The contenders, in the order they run and appear in the tables. Each runs in its own child
 * process (so its peak RSS is its own): the Restate ones against the run's restate-server, the
 * DBOS ones against the run's private Postgres (each its own system database).
 */
import { fileURLToPath } from "node:url";

export interface Contender {
  id: string;
  title: string;
  module: string;
  /**
   * A Restate service's `run` handler; a handler of the plain HTTP entry; a DBOS workflow behind
   * the same plain HTTP entry (`generate` or `stream`, see contenders/dbos-agent.ts); or the
   * Vercel Workflow agent behind it (contenders/vercel-workflow.ts).
   */
  target:
    | { service: string }
    | { plain: string }
    | { dbos: "generate" | "stream" }
    | { workflow: "stream" };
  /** The plain contender that runs the same SDK code without Restate (its own cost). */
  floor?: string;
  /** Journals and state encrypted (`journalEncryption`): the same agent as contender `encrypts`. */
  encrypts?: string;
}

const contender = (file: string) => fileURLToPath(new URL(`./contenders/${file}`, import.meta.url));

export const contenders: Contender[] = [
  {
    id: "plain-generate",
    title: "plain AI SDK generateText (no Restate)",
    module: contender("plain-ai-sdk.ts"),
    target: { plain: "generate" },
  },
  {
    id: "plain-stream",
    title: "plain AI SDK streamText (no Restate)",
    module: contender("plain-ai-sdk.ts"),
    target: { plain: "stream" },
  },
  {
    id: "bare",
    title: "bare ctx.run (2 runs per step)",
    module: contender("bare-ctx-run.ts"),
    target: { service: "BenchBare" },
  },
  {
    id: "reference",
    title: "@restatedev/vercel-ai-middleware 0.4.0, generateText",
    module: contender("reference-middleware.ts"),
    target: { service: "BenchReference" },
    floor: "plain-generate",
  },
  {
    id: "ours-generate",
    title: "@restate-ai/vercel-middleware, generateText",
    module: contender("our-middleware.ts"),
    target: { service: "BenchOursGenerate" },
    floor: "plain-generate",
  },
  {
    id: "ours-stream",
    title: "@restate-ai/vercel-middleware, streamText",
    module: contender("our-middleware.ts"),
    target: { service: "BenchOursStream" },
    floor: "plain-stream",
  },
  {
    id: "ours-generate-encrypted",
    title: "@restate-ai/vercel-middleware, generateText, journal encryption on",
    module: contender("our-middleware-encrypted.ts"),
    target: { service: "BenchOursGenerateEncrypted" },
    floor: "plain-generate",
    encrypts: "ours-generate",
  },
  {
    id: "ours-stream-encrypted",
    title: "@restate-ai/vercel-middleware, streamText, journal encryption on",
    module: contender("our-middleware-encrypted.ts"),
    target: { service: "BenchOursStreamEncrypted" },
    floor: "plain-stream",
    encrypts: "ours-stream",
  },
  {
    id: "agents-plain",
    title: "plain Agents SDK run() (no Restate)",
    module: contender("plain-agents-sdk.ts"),
    target: { plain: "run" },
  },
  {
    id: "agents-durable",
    title: "@restate-ai/openai-agents DurableRunner",
    module: contender("our-agents-runner.ts"),
    target: { service: "BenchAgentsDurable" },
    floor: "agents-plain",
  },
  {
    id: "minimal-generate",
    title: "smallest durable adapter: ctx.run around doGenerate (not a product)",
    module: contender("minimal-durable.ts"),
    target: { service: "BenchMinimalGenerate" },
    floor: "plain-generate",
  },
  {
    id: "minimal-stream",
    title: "smallest durable adapter: ctx.run around a doStream read whole (not a product)",
    module: contender("minimal-durable.ts"),
    target: { service: "BenchMinimalStream" },
    floor: "plain-stream",
  },
  {
    id: "minimal-agents",
    title: "smallest durable adapter: ctx.run around the Agents SDK's getResponse (not a product)",
    module: contender("minimal-durable.ts"),
    target: { service: "BenchMinimalAgents" },
    floor: "agents-plain",
  },
  {
    id: "agents-durable-encrypted",
    title: "@restate-ai/openai-agents DurableRunner, journal encryption on",
    module: contender("our-agents-runner-encrypted.ts"),
    target: { service: "BenchAgentsDurableEncrypted" },
    floor: "agents-plain",
    encrypts: "agents-durable",
  },
  {
    id: "dbos-generate",
    title: "@dbos-inc/vercel-ai 0.1.5 on @dbos-inc/dbos-sdk 4.27.6 (Postgres), generateText",
    module: contender("dbos-agent.ts"),
    target: { dbos: "generate" },
  },
  {
    id: "dbos-stream",
    title: "@dbos-inc/vercel-ai 0.1.5 on @dbos-inc/dbos-sdk 4.27.6 (Postgres), streamText",
    module: contender("dbos-agent.ts"),
    target: { dbos: "stream" },
  },
  {
    id: "vercel-workflow",
    title:
      "@ai-sdk/workflow 2.0.43 WorkflowAgent on workflow 5.0.0-beta.55, local world (files), streams",
    module: contender("vercel-workflow.ts"),
    target: { workflow: "stream" },
  },
];

/** Journals its steps: a Restate service, a DBOS workflow or a Vercel Workflow run. */
export const isDurable = (c: Contender) => !("plain" in c.target);

export const needsPostgres = (c: Contender) => "dbos" in c.target;

export const needsWorkflowBundle = (c: Contender) => "workflow" in c.target;

/** Our contender each peer is compared with (the same SDK call). */
export const peers: { peer: string; ours: string }[] = [
  { peer: "dbos-generate", ours: "ours-generate" },
  { peer: "dbos-stream", ours: "ours-stream" },
  { peer: "vercel-workflow", ours: "ours-stream" },
];
