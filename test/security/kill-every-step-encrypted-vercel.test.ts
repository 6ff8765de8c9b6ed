/** Scenario 1 of the reliability suite (kill-matrix.ts) for `@restate-ai/vercel-middleware` with journal encryption on. */
import { describeKillMatrix } from "../reliability/kill-matrix.ts";

describeKillMatrix("vercel", { encrypted: true });
