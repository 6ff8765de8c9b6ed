/**
 * A simulated weather API, deterministic per city and clearly marked as simulated.
 *
 * Like the quickstart's "Denver fails" lesson, it fails for Denver for the first
 * `WEATHER_DENVER_FAILURES` calls of the process (default 2), so Restate's retries are visible in
 * the logs and the UI, and then the call succeeds — no code edit needed.
 */
import { TerminalError } from "@restatedev/restate-sdk";

const CONDITIONS = ["sunny", "partly cloudy", "misty", "rainy", "windy", "snowy"];
const denverFailures = Number(process.env.WEATHER_DENVER_FAILURES ?? 2);
let denverCalls = 0;

export interface Weather {
  city: string;
  temperature: number;
  description: string;
  source: "simulated";
}

export async function fetchWeather(city: string): Promise<Weather> {
  failOnDenver(city);
  let hash = 0;
  for (const char of city.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return {
    city,
    temperature: (hash % 30) - 2,
    description: CONDITIONS[hash % CONDITIONS.length] as string,
    source: "simulated",
  };
}

function failOnDenver(city: string): void {
  if (city.toLowerCase() !== "denver") return;
  denverCalls++;
  if (denverCalls <= denverFailures) {
    console.log(
      `[weather] Denver lookup ${denverCalls} failed: the (simulated) weather API is down`,
    );
    throw new Error(
      `[simulated] Weather API unavailable for Denver (failure ${denverCalls} of ${denverFailures})`,
    );
  }
}

/** For the terminal-error examples: cities the weather service refuses for good. */
export async function fetchWeatherOrRefuse(city: string): Promise<Weather> {
  if (/atlantis/i.test(city)) throw new TerminalError(`Unknown city: ${city}`);
  return fetchWeather(city);
}
