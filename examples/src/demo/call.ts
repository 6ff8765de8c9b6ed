/**
 * `npm run call -- <target> [json]`: calls a handler through the local stack's ingress like curl,
 * but with the examples' journal keys, so the input is sent encrypted and the answer is decrypted:
 *
 *   npm run call -- agent/run '"What is the weather in Detroit?"'
 *   npm run call -- Chat/session123/getHistory
 */
import { RestateApi } from "@restate-ai/test-harness";
import { journalCodec } from "@restate-ai/vercel-middleware";
import { examplesJournalKeys } from "../endpoint-security.ts";
import { ports } from "./local-stack.ts";

const [target, input] = process.argv.slice(2);
if (target === undefined) {
  console.error("usage: npm run call -- <Service/handler | Object/key/handler> [json input]");
  process.exit(2);
}
const { ingress, admin } = ports();
const api = new RestateApi(`http://127.0.0.1:${ingress}`, `http://127.0.0.1:${admin}`);
const journal = examplesJournalKeys();
if (journal !== undefined) api.useCodec(await journalCodec({ keys: journal.keys }));
try {
  const answer = await api.call(target, input === undefined ? null : JSON.parse(input));
  console.log(typeof answer === "string" ? answer : JSON.stringify(answer, null, 2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
