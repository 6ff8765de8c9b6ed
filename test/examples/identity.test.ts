/**
 * Request signatures: with `RESTATE_IDENTITY_KEYS` set to the restate-server's public key, the
 * examples endpoint serves the requests that server signed and refuses unsigned ones — so only
 * that server can drive the agents (and spend their model budget), whoever else reaches the port.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import { afterAll, beforeAll, expect, it } from "vitest";
import { examplesApp } from "./examples-env.ts";

let dir: string;
let restate: RestateServer;
let agents: ServiceProcess;
let publicKey: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "restate-identity-"));
  const pem = join(dir, "request-identity.pem");
  const { privateKey } = generateKeyPairSync("ed25519");
  await writeFile(pem, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  restate = await RestateServer.start({
    env: {
      RESTATE_WORKER__INVOKER__REQUEST_IDENTITY_PRIVATE_KEY_PEM_FILE: pem,
      // restate-server logs the public key (the format endpoints take) when it loads the key
      RESTATE_LOG_FILTER: "warn,restate_service_client::request_identity=info",
    },
  });
  const logged = /publickeyv1_[1-9A-HJ-NP-Za-km-z]+/.exec(restate.output())?.[0];
  if (logged === undefined) throw new Error(`no public key logged:\n${restate.output()}`);
  publicKey = logged;
  agents = await ServiceProcess.start(examplesApp, {
    env: {
      RESTATE_IDENTITY_KEYS: publicKey,
      RESTATE_AI_JOURNAL_ENCRYPTION: "off",
      OPENAI_API_KEY: "",
      OFFLINE_MODEL_LATENCY_MS: "0",
      RESTATE_LOGGING: "INFO",
    },
  });
});

afterAll(async () => {
  await agents?.stop();
  await restate?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A plain HTTP/2 request to the endpoint, as anyone on the network could send it. */
function unsigned(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = connect(agents.url);
    session.on("error", reject);
    const request = session.request({
      ":path": path,
      ":method": "GET",
      accept: "application/json",
    });
    request.on("response", (headers) => {
      resolve(Number(headers[":status"]));
      session.close();
    });
    request.on("error", reject);
    request.end();
  });
}

it("serves the restate-server whose key it was given", async () => {
  await restate.register(agents.url);
  expect(await restate.call("agent/run", "What is the weather in Detroit?")).toMatch(
    /The weather in Detroit is/,
  );
  expect(agents.output()).toContain(`Validating requests using signing keys [${publicKey}]`);
});

it("refuses unsigned requests", async () => {
  expect(await unsigned("/discover")).toBe(401);
  expect(await unsigned("/invoke/agent/run")).toBe(401);
});
