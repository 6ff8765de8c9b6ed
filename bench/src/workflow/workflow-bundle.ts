/**
 * Compiles the Vercel Workflow contender's `"use workflow"` / `"use step"` file (agent-workflow.ts)
 * with the Workflow SDK's own builder, the way its Vitest plugin does for in-process runs: one
 * combined handler for workflow and step execution, as an ES module. Written under
 * bench/.workflow-build (inside the project, so the bundle resolves the project's packages).
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { BaseBuilder, createBaseBuilderConfig } from "@workflow/builders";
import { benchDir, combinedHandler, workflowBuildDir } from "./bundle-paths.ts";

class BenchWorkflowBuilder extends BaseBuilder {
  constructor() {
    super({
      ...createBaseBuilderConfig({ workingDir: benchDir, dirs: ["src/workflow"] }),
      buildTarget: "next",
      suppressCreateWorkflowsBundleLogs: true,
      suppressCreateWebhookBundleLogs: true,
      suppressCreateManifestLogs: true,
    });
  }

  async build(): Promise<void> {
    await rm(workflowBuildDir, { recursive: true, force: true });
    await mkdir(workflowBuildDir, { recursive: true });
    await this.createCombinedBundle({
      inputFiles: await this.getInputFiles(),
      stepsOutfile: join(workflowBuildDir, "__step_registrations.mjs"),
      flowOutfile: combinedHandler,
      format: "esm",
      bundleFinalOutput: false,
      externalizeNonSteps: true,
      bundleTransitiveLocalStepDependencies: true,
    });
  }
}

export async function buildWorkflowBundle(): Promise<void> {
  await new BenchWorkflowBuilder().build();
}
