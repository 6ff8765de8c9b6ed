/**
 * How the examples endpoint protects what it is given (see docs/security.md):
 *
 * - Journal encryption, on by default: every journal value and all state are AES-256-GCM encrypted
 *   with the keys of `RESTATE_AI_JOURNAL_KEYS` or `RESTATE_AI_JOURNAL_KEYS_FILE`; without either, a
 *   key is generated once into `<data dir>/journal-keys` (`RESTATE_DATA_DIR`, default
 *   `.restate-data`), which is fine on a laptop. In production the keys come from a secret store or
 *   a KMS, never from next to the data they protect. `RESTATE_AI_JOURNAL_ENCRYPTION=off` turns it off.
 * - Request signatures: with `RESTATE_IDENTITY_KEYS` (the restate-server's `publickeyv1_...` keys,
 *   comma-separated) the endpoint serves only requests that server signed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  generateJournalKey,
  type JournalKey,
  journalEncryption,
  journalKeysFromEnv,
  parseJournalKeys,
} from "@restate-ai/vercel-middleware";
import type { EndpointOptions } from "@restatedev/restate-sdk";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The examples' journal keys and where they come from; `undefined` when encryption is off. */
export function examplesJournalKeys(
  env: NodeJS.ProcessEnv = process.env,
): { keys: JournalKey[]; source: string } | undefined {
  if (env.RESTATE_AI_JOURNAL_ENCRYPTION === "off") return undefined;
  const configured = journalKeysFromEnv(env);
  if (configured !== undefined) {
    const source = env.RESTATE_AI_JOURNAL_KEYS
      ? "RESTATE_AI_JOURNAL_KEYS"
      : "RESTATE_AI_JOURNAL_KEYS_FILE";
    return { keys: configured, source };
  }
  const file = join(env.RESTATE_DATA_DIR ?? join(projectRoot, ".restate-data"), "journal-keys");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const header = "# Local demo key of the examples (docs/security.md). Newest key first.\n";
    // "wx": never overwrite a key another process just wrote
    try {
      writeFileSync(file, `${header}${generateJournalKey("local-1")}\n`, {
        mode: 0o600,
        flag: "wx",
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return { keys: parseJournalKeys(readFileSync(file, "utf8"), file), source: file };
}

/** Restate's request-identity public keys the endpoint accepts (`RESTATE_IDENTITY_KEYS`). */
export function identityKeys(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.RESTATE_IDENTITY_KEYS ?? "").split(/[\s,]+/).filter((key) => key !== "");
}

/** Endpoint options for the examples: journal encryption and request signature checks. */
export function examplesEndpointOptions(
  env: NodeJS.ProcessEnv = process.env,
): Omit<EndpointOptions, "services"> {
  const journal = examplesJournalKeys(env);
  const keys = identityKeys(env);
  return {
    ...(journal === undefined ? {} : journalEncryption({ keys: journal.keys })),
    ...(keys.length === 0 ? {} : { identityKeys: keys }),
  };
}

/** Two lines for the start-up log: what is encrypted with which key, and who may call. */
export function describeSecurity(env: NodeJS.ProcessEnv = process.env): string {
  const journal = examplesJournalKeys(env);
  const keys = identityKeys(env);
  return [
    journal === undefined
      ? "Journal encryption: OFF (RESTATE_AI_JOURNAL_ENCRYPTION=off)."
      : `Journal encryption: on, AES-256-GCM with key "${journal.keys[0]?.id}" (from ${journal.source}); journals and state hold ciphertext.`,
    keys.length === 0
      ? "Request signatures: not checked; set RESTATE_IDENTITY_KEYS to the restate-server's public key to accept only its requests."
      : `Request signatures: checked, ${keys.length} key(s) from RESTATE_IDENTITY_KEYS.`,
  ].join("\n");
}
