/**
 * The web chat in a real browser: headless Chromium (playwright-core) drives the React app —
 * `useChat` with `RestateChatTransport` — against a real restate-server and the examples' agents
 * with the offline model, streaming token by token, journals encrypted as under `npm start`.
 * Each test ends with a screenshot in test-results/web-chat/.
 */
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import { generateJournalKey, journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatReply } from "../../examples/src/offline/offline-texts.ts";
import { startWebChat, type WebChat } from "../../examples/src/web-chat/server.ts";
import { launchChromium } from "./browser.ts";

const services = fileURLToPath(new URL("./services.ts", import.meta.url));
const shots = fileURLToPath(new URL("../../test-results/web-chat/", import.meta.url));
const story = "Tell me about durable execution";
/** Journals and state encrypted, as `npm start` runs the web chat. */
const journalKeys = generateJournalKey("web-chat-1");

let restate: RestateServer;
let agents: ServiceProcess;
let web: WebChat;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  browser = await launchChromium();
  restate = await RestateServer.start({ inactivityTimeout: "2s" });
  agents = await ServiceProcess.start(services, {
    env: {
      OPENAI_API_KEY: "",
      OFFLINE_MODEL_LATENCY_MS: "150",
      OFFLINE_MODEL_TOKEN_MS: "70",
      RESTATE_INGRESS_URL: restate.ingressUrl,
      RESTATE_AI_JOURNAL_KEYS: journalKeys,
    },
  });
  await restate.register(agents.url);
  web = await startWebChat({
    ingressUrl: restate.ingressUrl,
    port: 0,
    journalValueCodec: await journalCodec({ keys: parseJournalKeys(journalKeys) }),
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await agents?.stop();
  await restate?.stop();
});
beforeEach(async () => {
  page = await browser.context.newPage();
  await page.goto(web.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
});
afterEach(async () => {
  await page.close();
});

const assistantText = () =>
  page.getByTestId("message-assistant").last().getByTestId("text").allInnerTexts();
const status = () => page.getByTestId("status").innerText();

async function choose(agent: "vercel" | "agents") {
  await page.getByTestId("agent").selectOption(agent);
}
async function ask(text: string) {
  await page.getByTestId("prompt").fill(text);
  await page.getByTestId("send").click();
}
async function waitForWords(count: number) {
  await expect
    .poll(async () => (await assistantText()).join(" ").split(/\s+/).filter(Boolean).length, {
      timeout: 20_000,
      interval: 50,
    })
    .toBeGreaterThanOrEqual(count);
}
async function waitReady() {
  await expect.poll(status, { timeout: 30_000, interval: 100 }).toBe("ready");
}
async function shoot(name: string) {
  await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
}

describe("web chat in Chromium", () => {
  it("streams tokens as they arrive", async () => {
    await choose("vercel");
    await ask(story);
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const text = (await assistantText()).join("");
          if (text !== "" && text !== seen.at(-1)) seen.push(text);
          return status();
        },
        { timeout: 30_000, interval: 30 },
      )
      .toBe("ready");
    const final = (await assistantText()).join("");
    expect(final).toBe(chatReply(story));
    // the text grew in several steps, each a prefix of the final answer
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((text) => final.startsWith(text))).toBe(true);
    await shoot("1-tokens-arrive");
  });

  it("a reload in the middle of the answer resumes it; the message completes once", async () => {
    await choose("vercel");
    await ask(story);
    await waitForWords(8);
    await page.reload();
    await waitForWords(20);
    await waitReady();
    expect(await page.getByTestId("message-user").count()).toBe(1);
    expect(await page.getByTestId("message-assistant").count()).toBe(1);
    expect((await assistantText()).join("")).toBe(chatReply(story));
    await shoot("2-reload-mid-stream");
  });

  it("killing the agents in the middle of the answer: the final text is right, and not doubled", async () => {
    await choose("agents");
    await ask(story);
    await waitForWords(8);
    await agents.kill();
    await agents.restart();
    await waitReady();
    expect(await page.getByTestId("message-assistant").count()).toBe(1);
    expect((await assistantText()).join("")).toBe(chatReply(story));
    await shoot("3-kill-mid-stream");
  });

  it.each(["vercel", "agents"] as const)(
    "%s: approving a pending tool call runs it",
    async (agent) => {
      await choose(agent);
      await ask("Refund 120 EUR for order 42");
      await page.getByTestId("approve").waitFor({ timeout: 20_000 });
      await page.reload(); // the pending request is still there
      await page.getByTestId("approve").waitFor({ timeout: 20_000 });
      await shoot(`4-approval-pending-${agent}`);
      await page.getByTestId("approve").click();
      await expect
        .poll(
          () =>
            page
              .getByTestId("tool-output")
              .first()
              .innerText()
              .catch(() => ""),
          {
            timeout: 20_000,
          },
        )
        .toMatch(/refunded 120 EUR/);
      await waitReady();
      expect((await assistantText()).join("\n")).toMatch(/refunded 120 EUR/);
      await shoot(`4-approve-${agent}`);
    },
  );

  it("stop cancels the run: the answer ends where it was stopped", async () => {
    await choose("vercel");
    await ask(story);
    await waitForWords(6);
    await page.getByTestId("stop").click();
    await waitReady();
    const stopped = (await assistantText()).join("");
    expect(chatReply(story).startsWith(stopped)).toBe(true);
    expect(stopped.length).toBeLessThan(chatReply(story).length);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await assistantText()).join("")).toBe(stopped);
    await page.getByTestId("stopped").waitFor({ timeout: 5_000 });
    const [turn] = await restate.invocations(
      "target LIKE 'WebChatVercel/%/turn' AND status = 'completed' AND completion_result = 'failure'",
    );
    expect(turn?.completion_failure).toMatch(/cancel/i);
    await shoot("5-stop");
  });
});
