/**
 * Whether a tool's result can be sent to the model.
 *
 * Both SDKs turn a tool's result into JSON or text for the next model call. A `BigInt` or a cyclic
 * object makes that throw deep inside the SDK, and as the same journaled steps lead to the same
 * result on every retry, Restate would retry the invocation forever; a function returned as the
 * result is silently dropped (AI SDK) or sent as its source code (Agents SDK). Such a result is a
 * programming error, reported by name instead. (Functions inside an object are left alone: JSON
 * leaves them out, as it does for an object's methods.)
 */

/** What makes `value` unsendable (e.g. "a BigInt at .total"), or `undefined` if it is fine. */
export function unsendableToolOutput(value: unknown): string | undefined {
  if (typeof value === "function") return "a function";
  return walk(value, "", []);
}

function walk(value: unknown, path: string, ancestors: object[]): string | undefined {
  if (typeof value === "bigint") return `a BigInt${path === "" ? "" : ` at ${path}`}`;
  if (value === null || typeof value !== "object") return undefined;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return undefined;
  if (ancestors.includes(value)) return `a cyclic object${path === "" ? "" : ` at ${path}`}`;
  ancestors.push(value);
  for (const [key, item] of Object.entries(value)) {
    const found = walk(item, `${path}.${key}`, ancestors);
    if (found !== undefined) return found;
  }
  ancestors.pop();
  return undefined;
}
