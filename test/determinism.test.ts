/**
 * Determinism hygiene: clocks and randomness appear in the packages only where they run inside a
 * journaled step (a `ctx.run` closure), whose result is recorded and replayed. A new use fails this
 * test until it is reviewed and listed here with the reason it is safe.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const NONDETERMINISTIC =
  /Math\.random|Date\.now|randomUUID\(|new Date\(|performance\.now|getRandomValues/;

/** file → the lines allowed, each inside a journaled step. */
const ALLOWED: Record<string, string[]> = {
  // fixResponseMetadata runs in durableStream's `complete`, inside the ctx.run closure
  "packages/vercel-middleware/src/journal-stream.ts": [
    "id: id ?? randomUUID(),",
    "timestamp: timestamp ?? new Date(),",
  ],
  // forJournal runs inside the ctx.run closure of journalGenerate
  "packages/vercel-middleware/src/journal-generate.ts": [
    "id: response?.id ?? randomUUID(),",
    "timestamp: response?.timestamp ?? new Date(),",
  ],
  // decoding a journaled timestamp (epoch ms) back into the Date it was: no clock is read
  "packages/vercel-middleware/src/model-journal-format.ts": [
    "...(timestamp === null ? {} : { timestamp: new Date(timestamp as number) }),",
    "? { ...response, timestamp: new Date(response.timestamp) }",
  ],
  // retryAfterMillis runs when a provider call failed, inside the ctx.run closure
  "packages/core/src/model-failures.ts": [
    "return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());",
  ],
  // the chat endpoint is HTTP code outside any handler: a regenerated turn gets a fresh id
  "packages/core/src/chat-endpoint.ts": [
    'const turnId = trigger === "regenerate-message" ? [last.id, randomUUID()].join("~") : last.id;',
  ],
  // the publisher never calls the context: its attempt id and batch timing reach the chat's
  // log only (which orders attempts by the id), never the journal
  "packages/core/src/chat-stream-publisher.ts": [
    'private readonly attempt = [Date.now().toString(36).padStart(10, "0"), randomUUID()].join(".");',
    "private lastSent = Date.now();",
    "const wait = this.urgent ? 0 : this.lastSent + this.target.flushIntervalMs - Date.now();",
    "this.lastSent = Date.now();",
  ],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

it("uses clocks and randomness only inside journaled steps", () => {
  const found: Record<string, string[]> = {};
  for (const pkg of readdirSync(join(root, "packages"))) {
    for (const file of sources(join(root, "packages", pkg, "src"))) {
      const lines = readFileSync(file, "utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => NONDETERMINISTIC.test(line));
      if (lines.length > 0) found[relative(root, file)] = lines;
    }
  }
  expect(found).toEqual(ALLOWED);
});
