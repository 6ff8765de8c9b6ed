/** Scenario 1 for `@restate-ai/openai-agents` (see kill-matrix.ts). */
import { describeKillMatrix } from "./kill-matrix.ts";

describeKillMatrix("agents");
