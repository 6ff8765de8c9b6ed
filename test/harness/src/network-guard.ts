/**
 * Preloaded into every child-process service: allows loopback traffic (restate, the fake OpenAI
 * API, the probe) and fails any other outgoing request, reporting it to the probe, so a test
 * notices e.g. a trace exporter calling home.
 */
import { bypass, HttpResponse, http, passthrough } from "msw";
import { setupServer } from "msw/node";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const probeUrl = process.env.PROBE_URL;

const guard = setupServer(
  http.all("*", async ({ request }) => {
    if (LOOPBACK.has(new URL(request.url).hostname)) return passthrough();
    if (probeUrl !== undefined) {
      const report = new Request(`${probeUrl}/unexpected`, {
        method: "POST",
        body: `${request.method} ${request.url}`,
      });
      await fetch(bypass(report)).catch(() => undefined);
    }
    return HttpResponse.error();
  }),
);
guard.listen({ onUnhandledRequest: "bypass" });
