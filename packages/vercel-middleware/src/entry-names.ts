/**
 * The names of the journal entries this package writes.
 *
 * Restate compares an entry's name on replay: an invocation journaled under other names fails with
 * a journal mismatch, forever. By default the entries carry the names that
 * `@restatedev/vercel-ai-middleware` 0.4.0 gives them, so an invocation started under the reference
 * package (suspended on an approval, say) and resumed under this one replays its journal. Entries
 * the reference never writes (streams, approvals) have names of their own.
 * `"descriptive"` is the naming of this package's 0.1 release (`generate <provider>/<model>`...),
 * for invocations it journaled that are still in flight.
 */
import { TerminalError } from "@restatedev/restate-sdk";

/** How journal entries are named; see {@link DurableCallsOptions.entryNames}. */
export type EntryNames = "compatible" | "descriptive";

interface Model {
  provider: string;
  modelId: string;
}

export interface JournalNames {
  generate(model: Model): string;
  stream(model: Model): string;
  embed(model: Model): string;
  mcp(client: string, operation: McpOperation): string;
}

export type McpOperation =
  | { kind: "list tools" | "list resources" | "list resource templates" | "list prompts" }
  | { kind: "tool"; tool: string }
  | { kind: "read resource"; uri: string }
  | { kind: "get prompt"; prompt: string };

const label = (model: Model) => `${model.provider}/${model.modelId}`;

const compatible: JournalNames = {
  generate: (model) => `calling ${model.provider}`,
  stream: (model) => `stream ${label(model)}`,
  embed: (model) => `embedding ${model.provider}`,
  mcp: (client, operation) => {
    switch (operation.kind) {
      case "tool":
        return `${operation.tool}-mcp-tool-execute`;
      case "read resource":
        return `${client}-mcp-read-resource-${operation.uri}`;
      case "get prompt":
        return `${client}-mcp-get-prompt-${operation.prompt}`;
      default:
        return `${client}-mcp-${operation.kind.replaceAll(" ", "-")}`;
    }
  },
};

const descriptive: JournalNames = {
  generate: (model) => `generate ${label(model)}`,
  stream: (model) => `stream ${label(model)}`,
  embed: (model) => `embed ${label(model)}`,
  mcp: (client, operation) => {
    switch (operation.kind) {
      case "tool":
        return `mcp ${client}: tool ${operation.tool}`;
      case "read resource":
        return `mcp ${client}: read resource ${operation.uri}`;
      case "get prompt":
        return `mcp ${client}: get prompt ${operation.prompt}`;
      default:
        return `mcp ${client}: ${operation.kind}`;
    }
  },
};

export function journalNames(entryNames: EntryNames | undefined): JournalNames {
  if (entryNames === undefined || entryNames === "compatible") return compatible;
  if (entryNames === "descriptive") return descriptive;
  throw new TerminalError(
    `entryNames must be "compatible" or "descriptive", got ${JSON.stringify(entryNames)}`,
  );
}
