/**
 * The child side of `ServiceProcess.peakRss()` and `ServiceProcess.cpuMicros()`: answers the
 * parent's `{ type: "peak-rss" }` with this process's peak resident set size in bytes, and
 * `{ type: "cpu-usage" }` with the CPU time it used so far (user + system, µs).
 */
export function answerPeakRss(): void {
  process.on("message", (message: { type?: string }) => {
    if (message.type === "peak-rss") {
      process.send?.({ type: "peak-rss", bytes: process.resourceUsage().maxRSS * 1024 });
    }
    if (message.type === "cpu-usage") {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: "cpu-usage", micros: user + system });
    }
  });
}
