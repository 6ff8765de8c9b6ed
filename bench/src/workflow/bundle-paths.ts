/** Where workflow-bundle.ts writes the compiled Vercel Workflow contender, and its workflow's id. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = fileURLToPath(new URL("../..", import.meta.url));
export const workflowBuildDir = join(benchDir, ".workflow-build");

/** The combined workflow + step handler (it exports `POST`). */
export const combinedHandler = join(workflowBuildDir, "combined.mjs");

/** The workflow's id as the compiler names it (`start()` accepts `{ workflowId }`). */
export const benchWorkflowId = "workflow//./src/workflow/agent-workflow//benchAgentWorkflow";
