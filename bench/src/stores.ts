/**
 * What the peers run on, set up before a run and removed after it: the private Postgres of the
 * DBOS contenders and the compiled workflow and data directory of the Vercel Workflow one.
 *
 * Where Postgres's binaries are missing, the DBOS contenders are left out — returned with the
 * reason and how to add them, never dropped silently; asking for them by name (`--only`) there
 * is an error.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Contender, needsPostgres, needsWorkflowBundle } from "./contender-list.ts";
import { findPostgresBin, POSTGRES_HINT, Postgres } from "./postgres.ts";
import type { Systems } from "./running-contender.ts";
import { buildWorkflowBundle } from "./workflow/workflow-bundle.ts";

export interface Stores {
  /** The requested contenders that can run here. */
  chosen: Contender[];
  leftOut: { id: string; reason: string }[];
  systems: Omit<Systems, "restate">;
  postgresVersion?: string;
  close(): Promise<void>;
}

export async function openStores(
  requested: Contender[],
  namedExplicitly: boolean,
): Promise<Stores> {
  const wanting = requested.filter(needsPostgres);
  const bin = wanting.length > 0 ? await findPostgresBin() : undefined;
  let chosen = requested;
  let leftOut: Stores["leftOut"] = [];
  if (wanting.length > 0 && bin === undefined) {
    const reason = `no Postgres server binaries (initdb, postgres, psql, pg_isready) in /usr/lib/postgresql/*/bin or on PATH; to add ${wanting.length > 1 ? "them" : "it"}, ${POSTGRES_HINT}`;
    if (namedExplicitly) throw new Error(`${wanting.map((c) => c.id).join(", ")}: ${reason}`);
    chosen = requested.filter((c) => !needsPostgres(c));
    leftOut = wanting.map((c) => ({ id: c.id, reason }));
  }

  const workflow = chosen.some(needsWorkflowBundle);
  if (workflow) await buildWorkflowBundle();
  const workflowData = workflow ? await mkdtemp(join(tmpdir(), "bench-workflow-")) : undefined;
  const postgres = bin === undefined ? undefined : await Postgres.start(bin);
  const close = async () => {
    await postgres?.stop();
    if (workflowData !== undefined) await rm(workflowData, { recursive: true, force: true });
  };
  try {
    const postgresVersion = await postgres?.version();
    return {
      chosen,
      leftOut,
      systems: { ...(postgres ? { postgres } : {}), ...(workflowData ? { workflowData } : {}) },
      ...(postgresVersion ? { postgresVersion } : {}),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
