/**
 * Used by services under test: reports a side effect to the test's {@link Probe} (`PROBE_URL`).
 * Returns what the test's gate answered, if anything.
 */
export async function recordEffect(name: string, data: unknown = null): Promise<unknown> {
  const probeUrl = process.env.PROBE_URL;
  if (probeUrl === undefined)
    throw new Error("PROBE_URL is not set: start the service with a probe");
  const response = await fetch(`${probeUrl}/effects/${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(data),
  });
  if (!response.ok) throw new Error(`probe answered ${response.status}`);
  return response.json();
}
