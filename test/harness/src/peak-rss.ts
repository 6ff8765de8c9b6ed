/**
 * The child side of `ServiceProcess.peakRss()`, `cpuMicros()` and `heapUsed()`: answers the
 * parent's `{ type: "peak-rss" }` with this process's peak resident set size in bytes,
 * `{ type: "cpu-usage" }` with the CPU time it used so far (user + system, µs), and
 * `{ type: "heap-used" }` with its V8 heap in use after full collections (if `gc` is exposed):
 * collected, then a few turns of the event loop so FinalizationRegistry callbacks run (the Restate
 * SDK's WASM objects release their memory only in those), and collected again.
 */
export function answerPeakRss(): void {
  process.on("message", (message: { type?: string }) => {
    if (message.type === "peak-rss") {
      process.send?.({ type: "peak-rss", bytes: process.resourceUsage().maxRSS * 1024 });
    }
    if (message.type === "heap-used") {
      void settledHeap().then((bytes) => process.send?.({ type: "heap-used", bytes }));
    }
    if (message.type === "cpu-usage") {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: "cpu-usage", micros: user + system });
    }
  });
}

async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < 3; round++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  gc?.();
  return process.memoryUsage().heapUsed;
}
