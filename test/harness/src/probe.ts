/**
 * The probe: where services under test report their side effects, outside their own process.
 *
 * A tool calls `recordEffect("charge", {...})` (see `probe-client.ts`); the probe counts it, so a
 * test can check a side effect ran exactly once across crashes. A test can also `gate` an effect:
 * the effect's request waits for the gate, which may kill the service at that exact point.
 * Requests that a service sent to an unexpected host (caught by the network guard) are kept in
 * `unexpected`.
 */
import { HttpResponse, http } from "msw";
import { serveHandlers } from "./http-bridge.ts";

export interface Effect {
  name: string;
  data: unknown;
  /** When the probe received it (`Date.now()`). */
  at: number;
}

type Gate = (effect: Effect) => unknown | Promise<unknown>;

export class Probe {
  readonly effects: Effect[] = [];
  readonly unexpected: string[] = [];
  private readonly gates = new Map<string, Gate>();

  readonly url: string;
  private readonly closeBridge: () => Promise<void>;

  private constructor(url: string, closeBridge: () => Promise<void>) {
    this.url = url;
    this.closeBridge = closeBridge;
  }

  static async start(): Promise<Probe> {
    let probe: Probe | undefined;
    const bridge = await serveHandlers((origin) => [
      http.post(`${origin}/effects/:name`, async ({ request, params }) => {
        const effect = { name: String(params.name), data: await request.json(), at: Date.now() };
        const result = await probe?.pass(effect);
        return HttpResponse.json(result ?? null);
      }),
      http.post(`${origin}/unexpected`, async ({ request }) => {
        probe?.unexpected.push(await request.text());
        return HttpResponse.json(null);
      }),
    ]);
    probe = new Probe(bridge.origin, bridge.close);
    return probe;
  }

  /** Recorded effects, optionally of one name. */
  list(name?: string): Effect[] {
    return name === undefined ? [...this.effects] : this.effects.filter((e) => e.name === name);
  }

  count(name: string): number {
    return this.list(name).length;
  }

  /** Runs `gate` when the next `name` effects arrive (before they are answered). */
  gate(name: string, gate: Gate): void {
    this.gates.set(name, gate);
  }

  ungate(name: string): void {
    this.gates.delete(name);
  }

  /** Waits until `name` was recorded `times` times. */
  async waitFor(name: string, times = 1, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count(name) < times) {
      if (Date.now() > deadline)
        throw new Error(`effect ${name} seen ${this.count(name)}/${times}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  reset(): void {
    this.effects.length = 0;
    this.unexpected.length = 0;
    this.gates.clear();
  }

  close(): Promise<void> {
    return this.closeBridge();
  }

  private async pass(effect: Effect): Promise<unknown> {
    this.effects.push(effect);
    return this.gates.get(effect.name)?.(effect);
  }
}
