export {
  type DurableStream,
  type DurableStreamOptions,
  durableStream,
  type JournaledStream,
} from "./durable-stream.js";
export { SuperJsonSerde, superJson } from "./journal-serde.js";
export {
  isAttemptEndingError,
  isCancelledError,
  isRestateControlError,
  isTerminalError,
} from "./restate-errors.js";
