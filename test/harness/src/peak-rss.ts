/**
 * The child side of `ServiceProcess.peakRss()`, `cpuMicros()` and `heapUsed()`: answers the
 * parent's `{ type: "peak-rss" }` with this process's peak resident set size in bytes,
 * `{ type: "cpu-usage" }` with the CPU time it used so far (user + system, µs), and
 * `{ type: "heap-used" }` with its V8 heap in use after a full collection (if `gc` is exposed).
 */
export function answerPeakRss(): void {
  process.on("message", (message: { type?: string }) => {
    if (message.type === "peak-rss") {
      process.send?.({ type: "peak-rss", bytes: process.resourceUsage().maxRSS * 1024 });
    }
    if (message.type === "heap-used") {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ type: "heap-used", bytes: process.memoryUsage().heapUsed });
    }
    if (message.type === "cpu-usage") {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: "cpu-usage", micros: user + system });
    }
  });
}
