export {
  type DurableStream,
  type DurableStreamOptions,
  durableStream,
  type JournaledStream,
} from "./durable-stream.js";
export {
  type ApprovalAnswer,
  type ApprovalDecision,
  type ApprovalOptions,
  type ApprovalRequest,
  type ApprovalSubject,
  awaitApproval,
  TIMED_OUT,
} from "./human-approval.js";
export {
  encryptionOverhead,
  JournalDecryptionError,
  type JournalEncryptionEndpointOptions,
  type JournalEncryptionOptions,
  journalCodec,
  journalEncryption,
  retryUndecryptableInput,
} from "./journal-encryption.js";
export {
  generateJournalKey,
  JOURNAL_KEYS_ENV,
  JOURNAL_KEYS_FILE_ENV,
  type JournalKey,
  JournalKeyConfigError,
  journalKeysFromEnv,
  parseJournalKeys,
} from "./journal-keys.js";
export {
  DEFAULT_MAX_JOURNAL_ENTRY_BYTES,
  journalEntryLimit,
  limitedSerde,
} from "./journal-limit.js";
export { SuperJsonSerde, superJson } from "./journal-serde.js";
export { classifyMcpFailure } from "./mcp-failures.js";
export { enterModelCall } from "./model-call-guard.js";
export { callModel, classifyModelFailure } from "./model-failures.js";
export {
  isAttemptEndingError,
  isCancelledError,
  isRestateControlError,
  isTerminalError,
} from "./restate-errors.js";
export { boundedRetryPolicy, type RetryOptions } from "./retry-policy.js";
export {
  JOURNALED_RESPONSE_HEADERS,
  journaledHeaders,
  redactSecrets,
  withJournaledHeaders,
  withoutSecrets,
} from "./secret-redaction.js";
export { unsendableToolOutput } from "./tool-output.js";
export { Turnstile } from "./tool-turnstile.js";
