export { type ChatEndpoint, type ChatEndpointOptions, chatEndpoint } from "./chat-endpoint.js";
export {
  type AppendItem,
  type AppendRequest,
  type AppendResult,
  type ApprovalAnswerRequest,
  type ApprovalAnswerResult,
  type ChatTurn,
  chunkUnits,
  type ReadRequest,
  type ReadResult,
  type StopResult,
  TURN_HEADER,
  UI_STREAM_HEADERS,
  type UIChunk,
} from "./chat-stream-protocol.js";
export { ChatStreamPublisher, type ChatStreamTarget } from "./chat-stream-publisher.js";
export {
  type ChatStreams,
  type ChatStreamsOptions,
  type ChatStreamWaiter,
  chatStreams,
  PAGE_SIZE,
} from "./chat-streams.js";
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
  FORMAT_2,
  FORMAT_KEY,
  isPlainJson,
  type Packed,
  type PackedCodec,
  packedSerde,
} from "./journal-format.js";
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
  type ModelStepObservation,
  observeRun,
  type RunObserver,
  runObserverOf,
} from "./run-observer.js";
export {
  JOURNALED_RESPONSE_HEADERS,
  journaledHeaders,
  redactSecrets,
  withJournaledHeaders,
  withoutSecrets,
} from "./secret-redaction.js";
export { unsendableToolOutput } from "./tool-output.js";
export { Turnstile } from "./tool-turnstile.js";
