/**
 * A size limit on journal entries, checked before Restate sees them.
 *
 * restate-server refuses messages above `worker.invoker.message-size-limit` (32 MiB by default)
 * and retries the attempt, which sends the same entry again: an endless retry loop. The same
 * happens when a serde throws an ordinary error. Checked here instead, an oversized or unencodable
 * entry fails the call with a `TerminalError` that names the entry, its size and the limit.
 * The size is the one stored: with journal encryption on, the serialized value plus the envelope
 * the codec adds (compression can only make it smaller).
 */
import { type Serde, TerminalError } from "@restatedev/restate-sdk";
import { encryptionOverhead } from "./journal-encryption.js";

/** Default limit: restate-server starts warning about messages above 10 MiB. */
export const DEFAULT_MAX_JOURNAL_ENTRY_BYTES = 10 * 1024 * 1024;

/** Validates a `maxJournalEntryBytes` option; `undefined` means the default. */
export function journalEntryLimit(maxJournalEntryBytes: number | undefined): number {
  const limit = maxJournalEntryBytes ?? DEFAULT_MAX_JOURNAL_ENTRY_BYTES;
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new TerminalError(
      `maxJournalEntryBytes must be a positive integer (bytes), got ${String(maxJournalEntryBytes)}`,
    );
  }
  return limit;
}

/** `serde`, failing with a `TerminalError` for entries it cannot encode or larger than `maxBytes`. */
export function limitedSerde<T>(serde: Serde<T>, maxBytes: number): Serde<T> {
  return {
    contentType: serde.contentType,
    jsonSchema: serde.jsonSchema,
    serialize(value: T): Uint8Array {
      let bytes: Uint8Array;
      try {
        bytes = serde.serialize(value);
      } catch (error) {
        throw new TerminalError(
          `A model result could not be journaled: ${(error as Error).message ?? String(error)}`,
        );
      }
      const overhead = encryptionOverhead();
      const stored = bytes.length + overhead;
      if (stored > maxBytes) {
        throw new TerminalError(
          `A model result of ${stored} bytes${overhead > 0 ? " (encrypted)" : ""} is larger than maxJournalEntryBytes (${maxBytes} bytes), so it cannot be journaled. Raise maxJournalEntryBytes (and restate-server's worker.invoker.message-size-limit, 32 MiB by default) if such results are expected.`,
        );
      }
      return bytes;
    },
    deserialize: (data: Uint8Array) => serde.deserialize(data),
  };
}
