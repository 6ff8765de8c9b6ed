/**
 * Tour of agents — rolling back on failure (saga): every booking registers its compensation;
 * when a booking fails for good (`TerminalError`, here: the car type is not available), the agent
 * rethrows it and the compensations run in reverse order.
 *
 *   curl localhost:8080/BookingWithRollbackAgent/book --json '{"bookingId": "booking_123", "prompt": "I need to book a business trip to San Francisco from March 15-17. Flying from JFK, need a hotel downtown for 1 guest and a car."}'
 */
import {
  durableCalls,
  durableTools,
  rethrowTerminalToolError,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { bookingStep } from "../utils/bookings.ts";

const BookingSchema = z.object({ details: z.string() });

const book = async (
  ctx: restate.Context,
  { bookingId, prompt }: { bookingId: string; prompt: string },
) => {
  const on_rollback: (() => restate.RestatePromise<unknown>)[] = [];

  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });

  const reserve = (kind: "hotel" | "flight" | "car") =>
    tool({
      description: `Book a ${kind} reservation`,
      inputSchema: BookingSchema,
      execute: async ({ details }) => {
        on_rollback.push(() =>
          ctx.run(`cancel-${kind}`, () => bookingStep("cancel", kind, bookingId)),
        );
        return ctx.run(`book-${kind}`, () => bookingStep("reserve", kind, bookingId, details));
      },
    });

  try {
    const { text } = await generateText({
      model,
      system: `Book a complete travel package with the requirements in the prompt.
        Use tools to first book the hotel, then the flight, then the car.`,
      prompt,
      tools: durableTools(ctx, {
        bookHotel: reserve("hotel"),
        bookFlight: reserve("flight"),
        bookCar: reserve("car"),
      }),
      stopWhen: [stepCountIs(10)],
      onStepFinish: rethrowTerminalToolError,
      maxRetries: 0,
    });
    return text;
  } catch (error) {
    console.log("Error occurred, rolling back all bookings...");
    for (const rollback of on_rollback.reverse()) {
      await rollback();
    }
    throw error;
  }
};

export const bookingWithRollbackAgent = restate.service({
  name: "BookingWithRollbackAgent",
  handlers: { book },
});
