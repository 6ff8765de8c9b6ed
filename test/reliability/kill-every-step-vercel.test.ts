/** Scenario 1 for `@restate-ai/vercel-middleware` (see kill-matrix.ts). */
import { describeKillMatrix } from "./kill-matrix.ts";

describeKillMatrix("vercel");
