/** Scenario 1 for `DurableAgent` of `@restate-ai/vercel-middleware` (see kill-matrix.ts). */
import { describeKillMatrix } from "./kill-matrix.ts";

describeKillMatrix("vercel-agent");
