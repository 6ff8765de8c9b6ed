export type {
  EmbeddingModelV4Result as DoEmbedResponseType,
  LanguageModelV4GenerateResult as DoGenerateResponseType,
} from "@ai-sdk/provider";
export {
  type ApprovalAnswer,
  type ApprovalRequest,
  type ChatEndpoint,
  type ChatEndpointOptions,
  type ChatStreamsOptions,
  type ChatStreamTarget,
  type ChatTurn,
  chatEndpoint,
  chatStreams,
  generateJournalKey,
  JOURNAL_KEYS_ENV,
  JOURNAL_KEYS_FILE_ENV,
  JOURNALED_RESPONSE_HEADERS,
  JournalDecryptionError,
  type JournalEncryptionEndpointOptions,
  type JournalEncryptionOptions,
  type JournalKey,
  JournalKeyConfigError,
  journalCodec,
  journalEncryption,
  journalKeysFromEnv,
  parseJournalKeys,
  redactSecrets,
  retryUndecryptableInput,
  SuperJsonSerde,
  superJson,
  withoutSecrets,
} from "@restate-ai/core";
export type {
  Client,
  ClientCallOptions,
  ClientSendOptions,
  Context,
  ContextDate,
  GenericCall,
  GenericSend,
  Hooks,
  HooksProvider,
  InferArg,
  Interceptor,
  InvocationHandle,
  InvocationId,
  InvocationPromise,
  InvocationReference,
  JournalValueCodec,
  Opts,
  Rand,
  Request,
  RestatePromise,
  RetryPolicy,
  RunAction,
  RunOptions,
  ScopedContext,
  SendClient,
  SendOpts,
  SendOpts as SendOptions,
  ServiceOptions,
  SignalReference,
  Target,
} from "@restatedev/restate-sdk";
export { RestateError, TerminalError } from "@restatedev/restate-sdk";
export { type DurableCallsOptions, modelCallSerde } from "./call-settings.js";
export {
  type HasUIMessageStream,
  type PublishChatStreamOptions,
  publishChatStream,
} from "./chat-stream.js";
export {
  DurableAgent,
  type DurableAgentInput,
  type DurableAgentSettings,
  type DurableAgentTools,
} from "./durable-agent.js";
export { durableCalls } from "./durable-calls.js";
export { durableEmbeds } from "./durable-embeds.js";
export { durableTools } from "./durable-tools.js";
export {
  createRestateMCPClient,
  type GetPromptResult,
  type ListPromptsResult,
  type ListResourcesResult,
  type ListResourceTemplatesResult,
  type McpRunOptions,
  type McpToolSet,
  type PaginatedRequest,
  type ReadResourceResult,
  type RequestOptions,
  RestateMCPClient,
  type ToolSchemas,
} from "./mcp-client.js";
export {
  getTerminalToolSteps,
  hasTerminalToolError,
  rethrowTerminalToolError,
} from "./terminal-tool-errors.js";
export { type DurableApprovalOptions, durableApproval } from "./tool-approval.js";
