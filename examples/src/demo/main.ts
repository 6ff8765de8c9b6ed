/**
 * Starts restate-server and the example agents, runs the guided tour (unless `--no-tour`), then
 * keeps both running until Ctrl-C — or exits after the tour with `--non-interactive`. With
 * `--cluster` (`npm run dev:cluster`) a local 3-node Restate cluster instead of one server.
 */
import { describeSecurity } from "../endpoint-security.ts";
import { describeModel } from "../llm.ts";
import { startWebChat, type WebChat } from "../web-chat/server.ts";
import { type LocalStack, startLocalStack } from "./local-stack.ts";
import { runTour } from "./tour.ts";

const args = new Set(process.argv.slice(2));
const withTour = !args.has("--no-tour");
const interactive = !args.has("--non-interactive");
const cluster = args.has("--cluster");
const servers = cluster ? "the cluster" : "restate-server";
const print = (line = "") => console.log(line);

let echoAgents = !withTour;
const agentLog: string[] = [];
const onAgentOutput = (text: string) => {
  agentLog.push(text);
  if (echoAgents) process.stdout.write(text.replace(/^(?=.)/gm, "[agents] "));
};

print(describeModel());
let stack: LocalStack;
try {
  stack = await startLocalStack({
    cluster,
    inactivityTimeout: process.env.RESTATE_INACTIVITY_TIMEOUT ?? "2s",
    env: {
      OFFLINE_MODEL_LOG: "1",
      OFFLINE_MODEL_LATENCY_MS: process.env.OFFLINE_MODEL_LATENCY_MS ?? "300",
    },
    onAgentOutput,
  });
} catch (error) {
  console.error(`Could not start: ${(error as Error).message}`);
  process.exit(1);
}
if (cluster) {
  print(
    `Restate cluster of ${stack.nodes.length} nodes (replication 2: one may be down); agents registered.`,
  );
  for (const node of stack.nodes) {
    print(
      `  ${node.name}: ingress ${node.ingressUrl}, admin ${node.adminUrl}, node ${node.nodeAddress}`,
    );
  }
} else {
  print(`restate-server: ingress ${stack.ingressUrl}, admin ${stack.adminUrl}; agents registered.`);
}
print(describeSecurity({ ...process.env, RESTATE_DATA_DIR: stack.dataDir }));
const webChatPort = Number(process.env.WEB_CHAT_PORT ?? 3000);
let webChat: WebChat;
try {
  webChat = await startWebChat({
    // on a cluster, every node: the browser's stream goes on through another if one is down
    ingressUrl: stack.nodes.map((node) => node.ingressUrl),
    port: webChatPort,
    journalValueCodec: stack.journalCodec,
  });
} catch (error) {
  console.error(
    `Could not start the web chat on port ${webChatPort} (${(error as Error).message}); pick another port with WEB_CHAT_PORT=<port>.`,
  );
  await stack.stop();
  process.exit(1);
}
print(`Web chat (useChat over durable Restate streams): ${webChat.url}`);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  print(`\nStopping the agents and ${servers}...`);
  await webChat.close();
  await stack.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

if (withTour) {
  try {
    await runTour(stack, print, () => agentLog.join(""));
  } catch (error) {
    console.error(`The tour failed: ${(error as Error).stack}`);
    await stop(1);
  }
}

print(`
━━ Try it yourself ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
Restate UI (invocations, journals, state): ${stack.adminUrl}
  curl ${stack.ingressUrl}/agent/run --json '"What is the weather in Detroit?"'
  curl ${stack.ingressUrl}/Chat/session123/message --json '{"message": "make a poem about durable execution"}'
  curl ${stack.ingressUrl}/HumanClaimApprovalAgent/run/send --json '{"prompt": "Process my hospital bill of 3000USD for a broken leg."}'
  curl ${stack.ingressUrl}/OpenAIMultiAgent/run --json '"I was charged twice for my last order"'
${
  stack.encrypted
    ? `Journals and state are encrypted, and so are the answers curl gets back: \`npm run call -- agent/run '"What is the weather in Detroit?"'\` decrypts them
(or start with RESTATE_AI_JOURNAL_ENCRYPTION=off). See docs/security.md.
`
    : ""
}More in examples/README.md. Ctrl-C stops everything.`);
if (cluster) {
  const [first, second] = stack.nodes;
  print(`Any node answers (its own ingress port), e.g. node 2:
  curl ${second?.ingressUrl}/agent/run --json '"What is the weather in Denver?"'${
    stack.encrypted
      ? `
  npm run call -- --cluster --node 2 agent/run '"What is the weather in Denver?"'   (decrypted)`
      : ""
  }
Nodes, partitions and their leaders:
  npx restatectl -s ${first?.nodeAddress} status
From one server to a cluster, and to Restate Cloud: docs/deploy.md.`);
}

if (!interactive) await stop(0);
echoAgents = true;
