/**
 * The contenders, in the order they run and appear in the tables. Each runs in its own child
 * process (so its peak RSS is its own) against the one restate-server of the run.
 */
import { fileURLToPath } from "node:url";

export interface Contender {
  id: string;
  title: string;
  module: string;
  /** A Restate service's `run` handler, or a handler of the plain HTTP entry. */
  target: { service: string } | { plain: string };
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
    id: "agents-durable-encrypted",
    title: "@restate-ai/openai-agents DurableRunner, journal encryption on",
    module: contender("our-agents-runner-encrypted.ts"),
    target: { service: "BenchAgentsDurableEncrypted" },
    floor: "agents-plain",
    encrypts: "agents-durable",
  },
];

export const isDurable = (c: Contender) => "service" in c.target;
