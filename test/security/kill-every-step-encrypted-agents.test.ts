/** Scenario 1 of the reliability suite (kill-matrix.ts) for `@restate-ai/openai-agents` with journal encryption on. */
import { describeKillMatrix } from "../reliability/kill-matrix.ts";

describeKillMatrix("agents", { encrypted: true });
