/**
 * Encrypted journals and state: a `JournalValueCodec` for the Restate endpoint.
 *
 * The Restate SDK passes every journal value through the endpoint's codec after the serde: handler
 * inputs and outputs, `ctx.run` results (every model call, stream and tool step of our adapters),
 * state values (chat histories, `RestateSession`), awakeable / promise / signal payloads and
 * service-call arguments and results. This codec encrypts each with AES-256-GCM (Node's `crypto`),
 * under a fresh random 96-bit IV, optionally deflating large values first. Each value carries the id
 * of its key, so keys rotate: new values use the first key of the set, the older keys still decrypt.
 *
 * What it does not cover (they never pass the codec): journal entry names (`generate openai/gpt-4o`,
 * `tool lookup`), entry types and timing, value sizes, state keys, invocation targets and ids,
 * headers, and failure messages (`TerminalError` texts, `last_failure`); `secret-redaction.ts`
 * keeps secrets out of the latter.
 *
 * A value that cannot be decrypted (key id unknown, wrong key, altered bytes) fails the attempt
 * with a {@link JournalDecryptionError} naming the key id, which Restate retries and shows as the
 * invocation's `last_failure`: nothing is lost, and once the key is back (fix the key set, restart
 * the service) the invocation continues from its journal. Plaintext values — handler inputs from
 * callers without the codec (`curl`), journals written before encryption was turned on — are
 * accepted unless `acceptPlaintext: false`. The format of an encrypted value: `journal-envelope.ts`.
 */
import type { EndpointOptions, HooksProvider, JournalValueCodec } from "@restatedev/restate-sdk";
import {
  ERROR_PREFIX,
  envelopeOverhead,
  isEnvelope,
  JournalDecryptionError,
  type LoadedKey,
  loadKey,
  open,
  parseEnvelope,
  seal,
} from "./journal-envelope.js";
import {
  checkJournalKeys,
  JOURNAL_KEYS_ENV,
  JOURNAL_KEYS_FILE_ENV,
  type JournalKey,
  JournalKeyConfigError,
  journalKeysFromEnv,
} from "./journal-keys.js";
import { isTerminalError } from "./restate-errors.js";

export { JournalDecryptionError } from "./journal-envelope.js";

/** The SDK turns a failed decode of a handler input into a TerminalError with this text. */
const SDK_INPUT_FAILURE = "Failed to decode input using journal value codec: ";

/** How {@link journalEncryption} gets its keys and shapes its values. */
export interface JournalEncryptionOptions {
  /**
   * The key set, the first key encrypting; or a function returning it (e.g. data keys a KMS
   * decrypts at start-up). Default: `RESTATE_AI_JOURNAL_KEYS`, else `RESTATE_AI_JOURNAL_KEYS_FILE`.
   * A function that fails is called again on the next value, and the attempts fail meanwhile.
   */
  keys?: readonly JournalKey[] | (() => readonly JournalKey[] | Promise<readonly JournalKey[]>);
  /** Returns the key of an id found in a stored value but not in `keys` (e.g. from a KMS). */
  findKey?: (keyId: string) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /**
   * Deflate values of at least this many bytes before encrypting them (kept only when smaller).
   * Default: never — compression lets value sizes depend on their content (see docs/security.md).
   */
  compressAbove?: number;
  /**
   * Accept values that are not encrypted: inputs of callers without the codec, and values
   * journaled before encryption was turned on. Default `true`.
   */
  acceptPlaintext?: boolean;
}

/** What `restate.serve` / `restate.endpoint()` take to encrypt journals and state. */
export type JournalEncryptionEndpointOptions = Required<
  Pick<EndpointOptions, "journalValueCodecProvider" | "defaultServiceOptions">
>;

let largestOverhead = 0;
/** The codec of this process's latest {@link journalEncryption}, for its ingress clients. */
let endpointCodec: Promise<JournalValueCodec> | undefined;

/**
 * Bytes the journal encryption of this process adds to a value at most (0 without encryption), so
 * a size limit can be checked on what is stored (compression only ever makes a value smaller).
 */
export function encryptionOverhead(): number {
  return largestOverhead;
}

/**
 * The codec of the latest {@link journalEncryption} of this process, once its keys are loaded
 * (`undefined` without one): what the chat stream publisher and a co-hosted chat endpoint encrypt
 * their ingress calls with by default.
 */
export function endpointJournalCodec(): Promise<JournalValueCodec> | undefined {
  return endpointCodec;
}

/**
 * Endpoint options that encrypt every journal value and state of the endpoint's services:
 *
 * ```ts
 * restate.serve({ services, ...journalEncryption() }); // keys from RESTATE_AI_JOURNAL_KEYS
 * ```
 *
 * Services that set their own `hooks` must add {@link retryUndecryptableInput} to them.
 *
 * @throws JournalKeyConfigError at once for a malformed key set, or when none is configured.
 */
export function journalEncryption(
  options: JournalEncryptionOptions = {},
): JournalEncryptionEndpointOptions {
  const { codec, keys } = buildCodec(options);
  // Resolves even if the keys failed to load: the values report it, and loading is tried again.
  const provided = keys.ready().then(
    () => codec,
    () => codec,
  );
  endpointCodec = provided;
  return {
    journalValueCodecProvider: () => provided,
    defaultServiceOptions: { hooks: [retryUndecryptableInput] },
  };
}

/**
 * The codec itself, once its keys are loaded; e.g. for a client that sends encrypted inputs and
 * reads encrypted outputs (`@restatedev/restate-sdk-clients`: `connect({ url, journalValueCodec })`).
 *
 * @throws JournalKeyConfigError at once for a malformed key set, or when none is configured.
 */
export async function journalCodec(
  options: JournalEncryptionOptions = {},
): Promise<JournalValueCodec> {
  const { codec, keys } = buildCodec(options);
  await keys.ready();
  return codec;
}

function buildCodec(options: JournalEncryptionOptions): {
  codec: JournalValueCodec;
  keys: Keyring;
} {
  const keys = new Keyring(keySource(options.keys), options.findKey);
  const justSealed = new RecentlySealed();
  const compressAbove = options.compressAbove ?? Number.POSITIVE_INFINITY;
  const acceptPlaintext = options.acceptPlaintext ?? true;
  const codec: JournalValueCodec = {
    encode: (value) => {
      if (value.length === 0) return value;
      const sealed = seal(keys.encrypting(), value, compressAbove);
      justSealed.remember(sealed, value);
      return sealed;
    },
    decode: (value) => {
      try {
        if (value.length === 0) return Promise.resolve(value);
        const mine = justSealed.recall(value);
        if (mine !== undefined) return Promise.resolve(mine);
        if (!isEnvelope(value)) {
          if (acceptPlaintext) return Promise.resolve(value);
          throw new JournalDecryptionError(
            "a journal value is not encrypted, and acceptPlaintext is false",
          );
        }
        const envelope = parseEnvelope(value);
        // a key at hand decrypts at once; only an unknown id waits (loading, findKey)
        const key = keys.known(envelope.keyId);
        if (key !== undefined) return Promise.resolve(open(envelope, key));
        return keys.decrypting(envelope.keyId).then((found) => open(envelope, found));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
  return { codec, keys };
}

/**
 * Hook that keeps an invocation whose input cannot be decrypted retryable. The SDK fails such an
 * invocation for good (its input decode failure is a `TerminalError`); this makes it an ordinary
 * failed attempt, retried until the key is back, like every other value of the journal.
 */
export const retryUndecryptableInput: HooksProvider = () => ({
  interceptor: {
    handler: async (next) => {
      try {
        await next();
      } catch (error) {
        const message = (error as { message?: unknown } | undefined)?.message;
        if (
          isTerminalError(error) &&
          typeof message === "string" &&
          message.startsWith(`${SDK_INPUT_FAILURE}${ERROR_PREFIX}`)
        ) {
          throw new JournalDecryptionError(
            `the invocation's input: ${message.slice(SDK_INPUT_FAILURE.length + ERROR_PREFIX.length)}`,
          );
        }
        throw error;
      }
    },
  },
});

function keySource(keys: JournalEncryptionOptions["keys"]): () => Promise<readonly JournalKey[]> {
  if (typeof keys === "function") return async () => keys();
  const given =
    keys ??
    journalKeysFromEnv() ??
    failConfig(
      `no journal keys: set ${JOURNAL_KEYS_ENV} (or ${JOURNAL_KEYS_FILE_ENV}) to "<key id>:<base64 of 32 random bytes>", e.g. from \`openssl rand -base64 32\`, or pass keys`,
    );
  const checked = checkJournalKeys(given, keys === undefined ? JOURNAL_KEYS_ENV : "keys");
  return async () => checked;
}

function failConfig(message: string): never {
  throw new JournalKeyConfigError(message);
}

/**
 * The values this codec encrypted last, so that reading one back — which a step's live path does
 * at once: the SDK decodes the completion of the result it just encoded — skips the decryption.
 * A hit must equal the sealed bytes exactly; bounded in count and bytes.
 */
class RecentlySealed {
  private readonly entries = new Map<string, { sealed: Buffer; plain: Uint8Array }>();
  private bytes = 0;

  remember(sealed: Uint8Array, plain: Uint8Array): void {
    if (plain.length > RECENT_MAX_BYTES / 4) return;
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
    this.entries.set(tagOf(bytes), { sealed: bytes, plain });
    this.bytes += plain.length;
    for (const [tag, entry] of this.entries) {
      if (this.entries.size <= RECENT_MAX_VALUES && this.bytes <= RECENT_MAX_BYTES) break;
      this.entries.delete(tag);
      this.bytes -= entry.plain.length;
    }
  }

  recall(value: Uint8Array): Uint8Array | undefined {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.length);
    const entry = this.entries.get(tagOf(bytes));
    return entry?.sealed.equals(bytes) ? entry.plain : undefined;
  }
}

const RECENT_MAX_VALUES = 64;
const RECENT_MAX_BYTES = 4 * 1024 * 1024;

function tagOf(bytes: Buffer): string {
  return bytes.toString("latin1", Math.max(0, bytes.length - 16));
}

/** The loaded keys; loading (a user function) is retried while it fails. */
class Keyring {
  private encryptingKey: LoadedKey | undefined;
  private readonly byId = new Map<string, LoadedKey>();
  private loading: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly source: () => Promise<readonly JournalKey[]>;
  private readonly findKey: JournalEncryptionOptions["findKey"];

  constructor(
    source: () => Promise<readonly JournalKey[]>,
    findKey: JournalEncryptionOptions["findKey"],
  ) {
    this.source = source;
    this.findKey = findKey;
  }

  ready(): Promise<void> {
    if (this.encryptingKey !== undefined) return Promise.resolve();
    this.loading ??= this.source()
      .then((keys) => {
        const loaded = checkJournalKeys(keys).map(loadKey);
        for (const key of loaded) this.byId.set(key.id, key);
        this.encryptingKey = loaded[0];
        if (loaded[0] !== undefined) {
          largestOverhead = Math.max(largestOverhead, envelopeOverhead(loaded[0]));
        }
      })
      .catch((error: unknown) => {
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.loading = undefined;
        throw this.failure;
      });
    return this.loading;
  }

  encrypting(): LoadedKey {
    if (this.encryptingKey !== undefined) return this.encryptingKey;
    this.ready().catch(() => {});
    throw new JournalDecryptionError(
      `the journal keys are not loaded${this.failure === undefined ? " yet" : `: ${this.failure.message}`}`,
    );
  }

  /** The key of `id` if it is loaded already. */
  known(id: string): LoadedKey | undefined {
    return this.byId.get(id);
  }

  async decrypting(id: string): Promise<LoadedKey> {
    await this.ready().catch((error: Error) => {
      throw new JournalDecryptionError(
        `the journal keys could not be loaded: ${error.message}`,
        id,
      );
    });
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    const found = await this.findKey?.(id);
    if (found !== undefined) {
      const [checked] = checkJournalKeys([{ id, key: found }], "findKey");
      const key = loadKey(checked as JournalKey);
      this.byId.set(id, key);
      return key;
    }
    throw new JournalDecryptionError(
      `a journal value is encrypted with key "${id}", which this service does not have (its keys: ${[...this.byId.keys()].join(", ")}). Add key "${id}" to the key set and restart the service: the invocation continues on its next retry.`,
      id,
    );
  }
}
