/**
 * `npm run call -- <target> [json]`: calls a handler through the local stack's ingress like curl,
 * but with the examples' journal keys, so the input is sent encrypted and the answer is decrypted:
 *
 *   npm run call -- agent/run '"What is the weather in Detroit?"'
 *   npm run call -- Chat/session123/getHistory
 *   npm run call -- --cluster --node 2 agent/run '"What is the weather in Denver?"'
 *
 * `--cluster` uses the keys of `npm run dev:cluster` (under `.restate-cluster`), `--node <i>` node
 * i's ingress (the base port + i - 1).
 */

import { parseArgs } from "node:util";
import { RestateApi } from "@restate-ai/test-harness";
import { journalCodec } from "@restate-ai/vercel-middleware";
import { examplesJournalKeys } from "../endpoint-security.ts";
import { CLUSTER_NODES } from "./local-cluster.ts";
import { clusterDataDir, ports } from "./local-stack.ts";

const usage =
  "usage: npm run call -- [--cluster [--node <1-3>]] <Service/handler | Object/key/handler> [json input]";
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { cluster: { type: "boolean" }, node: { type: "string" } },
});
const [target, input] = positionals;
const node = Number(values.node ?? 1);
if (
  target === undefined ||
  !Number.isInteger(node) ||
  node < 1 ||
  node > (values.cluster ? CLUSTER_NODES : 1)
) {
  console.error(usage);
  process.exit(2);
}
const { ingress, admin } = ports();
const api = new RestateApi(
  `http://127.0.0.1:${ingress + node - 1}`,
  `http://127.0.0.1:${admin + node - 1}`,
);
const journal = examplesJournalKeys(
  values.cluster && process.env.RESTATE_DATA_DIR === undefined
    ? { ...process.env, RESTATE_DATA_DIR: clusterDataDir }
    : process.env,
);
if (journal !== undefined) api.useCodec(await journalCodec({ keys: journal.keys }));
try {
  const answer = await api.call(target, input === undefined ? null : JSON.parse(input));
  console.log(typeof answer === "string" ? answer : JSON.stringify(answer, null, 2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
