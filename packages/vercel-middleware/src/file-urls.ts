/**
 * Files a model returns by URL are downloaded inside the journaled step.
 *
 * The AI SDK downloads a `{ type: "url" }` file after the model call returns, outside the journal
 * — again on every replay. A signed URL that expired would make an already journaled step fail on
 * every replay, forever. So the step itself downloads the file and journals its bytes: a replay
 * needs no download. The download is bounded by `maxJournalEntryBytes` (the bytes would not fit
 * the journal entry anyway); an answer that no retry can change (404, an expired signature's 403,
 * a file over the limit) fails the step with a `TerminalError`, others (5xx, 408, 429, a broken
 * connection) are retried by Restate like any failure of the step.
 */
import { TerminalError } from "@restatedev/restate-sdk";

type FileData = { type: "data"; data: string | Uint8Array } | { type: "url"; url: URL };
/** A part of a model result or stream that may carry a generated file. */
interface MaybeFile {
  type: string;
  data?: unknown;
}

/** Whether `part` is a generated file that points to a URL. */
export function isFileUrl(part: MaybeFile): boolean {
  return (
    (part.type === "file" || part.type === "reasoning-file") &&
    (part.data as FileData | undefined)?.type === "url"
  );
}

/** `parts` with every file URL replaced by the downloaded bytes. */
export async function withFileData<T extends MaybeFile>(
  parts: readonly T[],
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<T[]> {
  const resolved: T[] = [];
  for (const part of parts) {
    if (!isFileUrl(part)) {
      resolved.push(part);
      continue;
    }
    const { url } = part.data as { type: "url"; url: URL };
    const data = await download(url, maxBytes, signal);
    resolved.push({ ...part, data: { type: "data", data } });
  }
  return resolved;
}

async function download(url: URL, maxBytes: number, signal: AbortSignal | undefined) {
  const response = await fetch(url, signal === undefined ? {} : { signal });
  const where = `${url.origin}${url.pathname}`;
  if (!response.ok) {
    const message = `The model returned a file at ${where}, whose download failed with HTTP ${response.status}`;
    if (isRetryableStatus(response.status)) throw new Error(message);
    throw new TerminalError(message, { metadata: { status: String(response.status) } });
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(where, declared, maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(where, size, maxBytes);
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(where: string, size: number, maxBytes: number): TerminalError {
  return new TerminalError(
    `The model returned a file at ${where} of at least ${size} bytes, more than maxJournalEntryBytes (${maxBytes} bytes) allows: it must be journaled with the step.`,
  );
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
