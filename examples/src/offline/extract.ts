/**
 * Reads what a prompt is about — cities, amounts, an insurance claim — and fills a tool's
 * arguments from its JSON schema, for the offline model. Deterministic: same text, same arguments.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
};

const KNOWN_CITIES = [
  "San Francisco",
  "New York",
  "Los Angeles",
  "Detroit",
  "Denver",
  "Chicago",
  "Seattle",
  "Boston",
  "London",
  "Paris",
  "Berlin",
  "Amsterdam",
  "Tokyo",
  "Sydney",
];

/** Cities named in the text, in the order they appear. */
export function citiesIn(text: string): string[] {
  const found = new Map<number, string>();
  for (const city of KNOWN_CITIES) {
    const at = text.indexOf(city);
    if (at >= 0) found.set(at, city);
  }
  for (const match of text.matchAll(/\b(?:in|for|at) ([A-Z][a-z]+(?: [A-Z][a-z]+)?)/g)) {
    const city = match[1] as string;
    const taken = [...found.values()].some((known) => known.includes(city) || city.includes(known));
    if (!taken) found.set(match.index ?? 0, city);
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, city]) => city);
}

/** The first amount of money (or, failing that, number) in the text. */
export function amountIn(text: string): number | undefined {
  const money = text.match(
    /(\d[\d,]*(?:\.\d+)?)\s*(?:USD|EUR|dollars?|\$)|\$\s*(\d[\d,]*(?:\.\d+)?)/i,
  );
  const raw = money?.[1] ?? money?.[2] ?? text.match(/\d[\d,]*(?:\.\d+)?/)?.[0];
  return raw === undefined ? undefined : Number(raw.replaceAll(",", ""));
}

export interface Claim {
  date: string;
  category: string;
  reason: string;
  amount: number;
  placeOfService: string;
}

/** The insurance claim a prompt describes: a JSON claim in it, or one read from its words. */
export function claimIn(text: string): Claim {
  const json = text.match(/\{[^{}]*"amount"[^{}]*\}/)?.[0];
  if (json !== undefined) {
    try {
      return JSON.parse(json) as Claim;
    } catch {
      // not JSON after all: read the words instead
    }
  }
  const lower = text.toLowerCase();
  return {
    date: text.match(/\d{4}-\d{2}-\d{2}/)?.[0] ?? "2024-10-01",
    category: /leg|arm|bone|knee|orthop/.test(lower)
      ? "orthopedic"
      : /tooth|dental/.test(lower)
        ? "dental"
        : "general",
    reason: text
      .replace(/^.*?(?:my|for|of)\s+/i, "")
      .replace(/\.$/, "")
      .trim(),
    amount: amountIn(text) ?? 0,
    placeOfService: text.match(/at ([A-Z][a-z]+ (?:Hospital|Clinic))/)?.[1] ?? "General Hospital",
  };
}

const TEXT_FIELDS =
  /^(message|question|prompt|input|query|text|content|request|description|claim)$/i;

/** Arguments for a tool with this schema, read from the text. */
export function argumentsFor(schema: JsonSchema | undefined, text: string, city?: string): object {
  const properties = schema?.properties ?? {};
  if ("amount" in properties && ("reason" in properties || "category" in properties)) {
    const claim: Record<string, unknown> = { ...claimIn(text) };
    return Object.fromEntries(Object.keys(properties).map((key) => [key, claim[key]]));
  }
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    args[name] = valueFor(name, property, text, city);
  }
  return args;
}

function valueFor(name: string, schema: JsonSchema, text: string, city?: string): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum !== undefined) {
    return (
      schema.enum.find((option) => text.toLowerCase().includes(String(option).toLowerCase())) ??
      schema.enum[0]
    );
  }
  if (type === "object") {
    if (schema.properties?.amount !== undefined) return claimIn(text);
    return argumentsFor(schema, text, city);
  }
  if (/city|location|destination/i.test(name)) return city ?? citiesIn(text)[0] ?? "San Francisco";
  if (type === "number" || type === "integer") return amountIn(text) ?? 1;
  if (type === "boolean") return true;
  if (type === "array") return citiesIn(text);
  if (name === "date") return claimIn(text).date;
  if (TEXT_FIELDS.test(name)) return text;
  return text;
}
