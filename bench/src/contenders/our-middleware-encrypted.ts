/**
 * `ours-generate` and `ours-stream` with journal encryption on: the same agents, behind an endpoint
 * whose journal values and state are AES-256-GCM encrypted (`journalEncryption`, keys from the
 * bench's `RESTATE_AI_JOURNAL_KEYS`).
 */
import { journalEncryption } from "@restate-ai/vercel-middleware";
import { ourMiddlewareServices } from "./our-middleware.ts";

export const services = ourMiddlewareServices("Encrypted");
export const endpointOptions = journalEncryption();
