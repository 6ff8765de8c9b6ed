/**
 * A simulated travel booking system. Cars are not available (a permanent failure, so a
 * `TerminalError`), to show the booking agent's rollback.
 */
import { TerminalError } from "@restatedev/restate-sdk";

export async function bookingStep(
  action: "reserve" | "cancel",
  kind: "hotel" | "flight" | "car",
  bookingId: string,
  details = "",
): Promise<string> {
  if (action === "reserve" && kind === "car") {
    throw new TerminalError("Car booking failed: the requested car type is not available");
  }
  const verb = action === "reserve" ? "reserved" : "cancelled";
  console.log(`[booking] ${bookingId}: ${kind} ${verb} ${details}`.trim());
  return `${kind} ${verb} for ${bookingId}`;
}
