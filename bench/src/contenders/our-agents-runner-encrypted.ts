/**
 * `agents-durable` with journal encryption on: the same `DurableRunner` agent, behind an endpoint
 * whose journal values and state are AES-256-GCM encrypted (`journalEncryption`, keys from the
 * bench's `RESTATE_AI_JOURNAL_KEYS`).
 */
import { journalEncryption } from "@restate-ai/openai-agents";
import { ourAgentsRunnerServices } from "./our-agents-runner.ts";

export const services = ourAgentsRunnerServices("Encrypted");
export const endpointOptions = journalEncryption();
