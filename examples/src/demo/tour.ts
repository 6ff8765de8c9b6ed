/**
 * The guided tour `npm start` runs against the local stack: durable answers, retries, a crash in
 * the middle of an agent, a human approval, and racing agents — each shown with the journal and
 * invocation state Restate keeps.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { JournalEntry } from "@restate-ai/test-harness";
import type { LocalStack } from "./local-stack.ts";

type Print = (line?: string) => void;

const claim = { prompt: "Process my hospital bill of 3000USD for a broken leg." };

export async function runTour(
  stack: LocalStack,
  print: Print,
  agentLog: () => string,
): Promise<void> {
  const { restate } = stack;
  const modelCalls = () => (agentLog().match(/\[offline model\]/g) ?? []).length;
  const step = (n: number, title: string) =>
    print(`\n━━ ${n}. ${title} ${"━".repeat(Math.max(0, 60 - title.length))}`);

  step(1, "A durable agent");
  print(`POST ${stack.ingressUrl}/agent/run  "What is the weather in Detroit?"`);
  print(`→ ${await restate.call("agent/run", "What is the weather in Detroit?")}`);

  step(2, "A failing tool is retried, the LLM is not");
  const denver = await restate.send("agent/run", "What is the weather in Denver?");
  const seen = new Set<string>();
  let answer: unknown;
  const done = restate.attach(denver).then((value) => (answer = value));
  while (answer === undefined) {
    const row = await restate.invocation(denver);
    if (row?.last_failure !== undefined && row.last_failure !== null) {
      const line = row.last_failure.split("\n")[0] ?? "";
      if (!seen.has(line)) {
        seen.add(line);
        print(`  attempt ${row.retry_count ?? "?"} failed, Restate retries: ${line}`);
      }
    }
    await Promise.race([done, sleep(100)]);
  }
  print(`→ ${answer}`);
  const denverJournal = await restate.journal(denver);
  print(
    `  journal: ${countRuns(denverJournal, /^(calling|stream) /)} LLM calls, ${countRuns(denverJournal, /get weather/)} weather step — the LLM was called once per step, the failing tool retried on its own`,
  );

  step(3, "Crash and resume");
  const prompt = { prompt: "Compare the weather in Detroit, Paris and Tokyo" };
  const callsBefore = modelCalls();
  const trip = await restate.send("WeatherAgent/run", prompt);
  print(`Started WeatherAgent (3 cities, 7 steps). Waiting for two LLM calls and a tool step...`);
  while (countRuns(await restate.journal(trip), /./) < 3) await sleep(20);
  await stack.agents.kill();
  const before = await restate.journal(trip);
  print("💥 Killed the agent service (SIGKILL). The journal so far:");
  printJournal(print, before);
  const callsAtCrash = modelCalls() - callsBefore;
  await stack.agents.restart();
  print("Restarted the service; Restate resumes the invocation from its journal...");
  print(`→ ${await restate.attach(trip)}`);
  const after = await restate.journal(trip);
  print("The journal after the restart (✓ = was already journaled before the crash):");
  printJournal(print, after, before.length);
  if (stack.encrypted) {
    print(
      "  🔒 Restate stores every result, the input and the state encrypted (AES-256-GCM): its UI and SQL show ciphertext, the agents decrypt them with their key.",
    );
  }
  const llmSteps = countRuns(after, /^(calling|stream) /);
  const callsAfter = modelCalls() - callsBefore - callsAtCrash;
  const repeated = callsAtCrash + callsAfter - llmSteps;
  print(
    `  ${llmSteps} LLM steps; LLM calls made: ${callsAtCrash} before the crash + ${callsAfter} after.` +
      (repeated > 0
        ? ` The ${repeated} extra call was the step in flight at the crash, not yet journaled;`
        : "") +
      " journaled steps were never repeated.",
  );

  step(4, "Human approval: suspended until a human answers");
  const approval = await restate.send("HumanClaimApprovalAgent/run", claim);
  let awakeable: string | undefined;
  while (awakeable === undefined) {
    awakeable = agentLog()
      .match(/awakeables\/(\S+)\/resolve/g)
      ?.at(-1)
      ?.split("/")[1];
    await sleep(50);
  }
  await restate.waitFor(approval, (row) => row.status === "suspended");
  print(
    `The claim of 3000USD waits for a reviewer: status "suspended" (no compute), awakeable ${awakeable}`,
  );
  print(`POST ${stack.ingressUrl}/restate/awakeables/${awakeable}/resolve  true`);
  await restate.resolveAwakeable(awakeable, true);
  print(`→ ${await restate.attach(approval)}`);

  step(5, "Racing agents");
  const winner = await restate.call("RacingAgent/run", { message: "What is durable execution?" });
  print(`→ winner: ${winner}`);
  const [slower] = await restate.query<{ id: string }>(
    "SELECT id FROM sys_invocation WHERE target = 'RacingAgent/thinkLonger' ORDER BY created_at DESC LIMIT 1",
  );
  if (slower !== undefined) {
    const loser = await restate.waitFor(slower.id, (row) => row.status === "completed");
    print(`  the slower agent (thinkLonger) was cancelled: ${loser.completion_failure}`);
  }
}

function countRuns(journal: JournalEntry[], name: RegExp): number {
  return journal.filter((entry) => entry.entry_type === "Command: Run" && name.test(entry.name))
    .length;
}

/** "🔒 N bytes, key K" for a result stored encrypted (the journal encryption envelope). */
function encryptedSize(entry: JournalEntry): string | undefined {
  const bytes = entry.resultBytes;
  if (bytes === undefined || bytes[0] !== 0xff || bytes[1] !== 0x52 || bytes[2] !== 0x41) {
    return undefined;
  }
  const keyId = Buffer.from(bytes.subarray(7, 7 + (bytes[6] ?? 0))).toString("utf8");
  return `🔒 ${bytes.length} bytes, key ${keyId}`;
}

function printJournal(print: Print, journal: JournalEntry[], journaledBefore = 0): void {
  for (const entry of journal) {
    if (!entry.entry_type.startsWith("Command")) continue;
    const mark = entry.index < journaledBefore ? "✓" : " ";
    const pending =
      entry.entry_type === "Command: Run" && entry.result === undefined && !entry.failure;
    const outcome =
      encryptedSize(entry) ??
      entry.result ??
      (entry.failure ? `failed: ${entry.failure.message}` : pending ? "(in flight)" : "");
    const preview = outcome.length > 60 ? `${outcome.slice(0, 57)}...` : outcome;
    print(
      `   ${mark} #${String(entry.index).padStart(2)} ${entry.entry_type.replace("Command: ", "").padEnd(6)} ${entry.name.padEnd(28)} ${preview}`,
    );
  }
}
