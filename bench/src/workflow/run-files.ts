/**
 * What the Workflow SDK's local world stored for one run: the sizes of its run record, event log
 * and step records (`runs/<id>.json`, `events/<id>-*.json`, `steps/<id>-*.json`; lock files not
 * counted).
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export async function workflowRunBytes(dataDir: string, runId: string): Promise<number> {
  let bytes = 0;
  for (const dir of ["runs", "events", "steps"]) {
    const names = await readdir(join(dataDir, dir)).catch(() => [] as string[]);
    for (const name of names) {
      if (name === `${runId}.json` || name.startsWith(`${runId}-`)) {
        bytes += (await stat(join(dataDir, dir, name))).size;
      }
    }
  }
  return bytes;
}
