/**
 * The child side of `ServiceProcess.peakRss()`: answers the parent's `{ type: "peak-rss" }` with
 * this process's peak resident set size in bytes.
 */
export function answerPeakRss(): void {
  process.on("message", (message: { type?: string }) => {
    if (message.type !== "peak-rss") return;
    process.send?.({ type: "peak-rss", bytes: process.resourceUsage().maxRSS * 1024 });
  });
}
