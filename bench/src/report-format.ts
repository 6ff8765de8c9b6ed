/**
 * The cells of the markdown report: a spread as median (min–max), a crash figure, a table.
 */
import { CRASH_WAIT_MS } from "./replay.ts";
import type { Spread } from "./stats.ts";

export const ms = (s: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
/** A crash figure: the finished rounds' times, and how many rounds never finished. */
export const finishedMs = (s: Spread | undefined, stalled: number) =>
  [
    s === undefined ? "" : ms(s),
    stalled > 0 ? `**${stalled} round(s) not finished in ${CRASH_WAIT_MS / 1000} s**` : "",
  ]
    .filter((part) => part !== "")
    .join("; ");
export const rate = (s: Spread) =>
  `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
export const rate3 = (s: Spread) =>
  `${s.median.toFixed(3)} (${s.min.toFixed(3)}–${s.max.toFixed(3)})`;

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}
