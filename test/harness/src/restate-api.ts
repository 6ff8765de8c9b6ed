/**
 * The HTTP surfaces of a restate-server that tests drive and inspect: ingress (invoke, attach,
 * awakeables) and admin (deployments, cancellation, SQL over `sys_invocation` / `sys_journal`).
 * With a journal value codec ({@link RestateApi.useCodec}) it is a client of encrypting services:
 * inputs and awakeable payloads are encoded, results decoded.
 */

/** The two halves of a Restate SDK `JournalValueCodec`. */
export interface ValueCodec {
  encode(value: Uint8Array): Uint8Array;
  decode(value: Uint8Array): Promise<Uint8Array>;
}

export interface InvocationRow {
  id: string;
  target: string;
  status: string;
  completion_result?: "success" | "failure";
  completion_failure?: string;
  retry_count?: number;
  last_failure?: string;
  last_failure_error_code?: string;
  journal_size?: number;
  /** The invocation that called this one, if any. */
  invoked_by_id?: string;
}

export interface JournalEntry {
  index: number;
  entry_type: string;
  name: string;
  raw_length: number;
  /** For a `Command: Run`: the journaled result (decoded as UTF-8), once completed. */
  result?: string;
  /** The same result as stored (e.g. encrypted by a journal codec). */
  resultBytes?: Uint8Array;
  /** For a `Command: Run`: the terminal failure it completed with. */
  failure?: { code: number; message: string };
}

/** Thrown for a non-2xx ingress answer; keeps Restate's error code and message. */
export class IngressError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(`ingress answered ${status}: ${body}`);
    this.status = status;
    this.body = body;
  }
}

type RunCompletion = {
  Notification?: {
    Completion?: {
      Run?: {
        completion_id: number;
        result: { Success?: number[]; Failure?: { code: number; message: string } };
      };
    };
  };
  Command?: { Run?: { completion_id: number; name: string } };
};

export class RestateApi {
  private readonly urls: { ingress: string; admin: string };
  private codec: ValueCodec | undefined;

  constructor(ingressUrl: string, adminUrl: string) {
    this.urls = { ingress: ingressUrl, admin: adminUrl };
  }

  /** Encode inputs and awakeable payloads, decode results with `codec` (`undefined`: plain JSON). */
  useCodec(codec: ValueCodec | undefined): void {
    this.codec = codec;
  }

  /** Where invocations go in (a cluster: any live node's ingress). */
  get ingressUrl(): string {
    return this.urls.ingress;
  }

  get adminUrl(): string {
    return this.urls.admin;
  }

  /**
   * Registers (or re-registers, `force`) the endpoint at `uri`; `http11` for an endpoint that
   * speaks HTTP/1.1 only (a fetch handler on a serverless platform: request-response mode).
   */
  async register(uri: string, options: { http11?: boolean } = {}): Promise<void> {
    const response = await fetch(`${this.adminUrl}/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ uri, force: true, ...(options.http11 ? { use_http_11: true } : {}) }),
    });
    if (!response.ok) {
      throw new Error(`registering ${uri} failed (${response.status}): ${await response.text()}`);
    }
  }

  /**
   * Calls `target` (`"service/handler"` or `"Object/key/handler"`) and waits for its result.
   * Fails after `timeoutMs` with the invocation's last failure, instead of hanging on a retry loop.
   */
  async call<T = unknown>(
    target: string,
    input: unknown,
    options: { headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<T> {
    const id = await this.send(target, input, options.headers);
    return this.attach<T>(id, options.timeoutMs);
  }

  /** Starts `target` without waiting; returns the invocation id. */
  async send(target: string, input: unknown, headers?: Record<string, string>): Promise<string> {
    const response = await fetch(`${this.ingressUrl}/${target}/send`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: this.body(input),
    });
    const { invocationId } = (await readResult(response)) as { invocationId: string };
    return invocationId;
  }

  /** Waits for the invocation to end and returns its result (throws {@link IngressError}). */
  attach<T = unknown>(invocationId: string, timeoutMs = 45_000): Promise<T> {
    return this.attachAt<T>(invocationId, timeoutMs, () =>
      this.invocations(`id = '${invocationId}'`),
    );
  }

  /**
   * Waits for the invocation that `target` (`"service/handler"` or `"Object/key/handler"`) got
   * with the `idempotency-key` header `key`, and returns its result: how a client that lost its
   * connection finds its call again without knowing the invocation id.
   */
  attachByKey<T = unknown>(target: string, key: string, timeoutMs = 45_000): Promise<T> {
    return this.attachAt<T>(`${target}/${encodeURIComponent(key)}`, timeoutMs, () =>
      this.invocations(`idempotency_key = '${key.replaceAll("'", "''")}'`),
    );
  }

  async resolveAwakeable(id: string, value: unknown): Promise<void> {
    const response = await fetch(`${this.ingressUrl}/restate/awakeables/${id}/resolve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: this.body(value),
    });
    await readResult(response);
  }

  async rejectAwakeable(id: string, reason: string): Promise<void> {
    const response = await fetch(`${this.ingressUrl}/restate/awakeables/${id}/reject`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: reason,
    });
    await readResult(response);
  }

  async cancel(invocationId: string): Promise<void> {
    const response = await fetch(`${this.adminUrl}/invocations/${invocationId}/cancel`, {
      method: "PATCH",
    });
    if (!response.ok)
      throw new Error(`cancel failed (${response.status}): ${await response.text()}`);
  }

  /** Kills an invocation: it ends at once, without running compensations. */
  async killInvocation(invocationId: string): Promise<void> {
    const response = await fetch(`${this.adminUrl}/invocations/${invocationId}/kill`, {
      method: "PATCH",
    });
    if (!response.ok) throw new Error(`kill failed (${response.status}): ${await response.text()}`);
  }

  /** Runs SQL against the admin query endpoint (DataFusion over the system tables). */
  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const response = await fetch(`${this.adminUrl}/query`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: sql }),
    });
    if (!response.ok)
      throw new Error(`query failed (${response.status}): ${await response.text()}`);
    return ((await response.json()) as { rows: T[] }).rows;
  }

  async invocation(invocationId: string): Promise<InvocationRow | undefined> {
    const rows = await this.query<InvocationRow>(
      `SELECT id, target, status, completion_result, completion_failure, retry_count, last_failure, last_failure_error_code, journal_size, invoked_by_id FROM sys_invocation WHERE id = '${invocationId}'`,
    );
    return rows[0];
  }

  async invocations(where = "true"): Promise<InvocationRow[]> {
    return this.query<InvocationRow>(
      `SELECT id, target, status, completion_result, completion_failure, retry_count, last_failure, last_failure_error_code, journal_size, invoked_by_id FROM sys_invocation WHERE ${where}`,
    );
  }

  /**
   * Ids of the invocations matching `where` whose last attempt failed on a journal mismatch: the
   * server then retries them forever (RT0016).
   */
  async mismatched(where = "true"): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT id FROM sys_invocation WHERE (${where}) AND (last_failure_error_code = 'RT0016' OR last_failure ILIKE '%mismatch%')`,
    );
    return rows.map((row) => row.id);
  }

  /**
   * Polls {@link mismatched} until `stop()`, which returns every id it saw, including those of
   * invocations that got past their mismatch later.
   */
  watchMismatches(where: string): { stop(): string[] } {
    const seen = new Set<string>();
    const watch = setInterval(async () => {
      for (const id of await this.mismatched(where)) seen.add(id);
    }, 100);
    return {
      stop() {
        clearInterval(watch);
        return [...seen];
      },
    };
  }

  /** Polls until the invocation satisfies `done` (e.g. status `suspended`). */
  async waitFor(
    invocationId: string,
    done: (row: InvocationRow) => boolean,
    timeoutMs = 30_000,
  ): Promise<InvocationRow> {
    const deadline = Date.now() + timeoutMs;
    let last: InvocationRow | undefined;
    while (Date.now() < deadline) {
      last = await this.invocation(invocationId);
      if (last !== undefined && done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `invocation ${invocationId} did not reach the expected state: ${JSON.stringify(last)}`,
    );
  }

  /** The key that places the invocation on a partition (hash range of the cluster's partitions). */
  async partitionKey(invocationId: string): Promise<bigint> {
    // As text: a u64 does not survive JSON numbers.
    const [row] = await this.query<{ key: string }>(
      `SELECT CAST(partition_key AS VARCHAR) AS key FROM sys_invocation_status WHERE id = '${invocationId}'`,
    );
    if (row === undefined) throw new Error(`no invocation ${invocationId}`);
    return BigInt(row.key);
  }

  private async attachAt<T>(
    path: string,
    timeoutMs: number,
    describe: () => Promise<InvocationRow[]>,
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(`${this.ingressUrl}/restate/invocation/${path}/attach`, {
        signal: controller.signal,
      });
      return (await readResult(response, this.codec)) as T;
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      const rows = await describe();
      throw new Error(
        `invocation ${path} did not finish in ${timeoutMs} ms: ${JSON.stringify(rows)}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** The journal of an invocation, with each `ctx.run` entry carrying its journaled result. */
  async journal(invocationId: string): Promise<JournalEntry[]> {
    const rows = await this.query<JournalEntry & { entry_json: string }>(
      `SELECT index, entry_type, name, raw_length, entry_json FROM sys_journal WHERE id = '${invocationId}' ORDER BY index`,
    );
    const runs = new Map<number, JournalEntry>();
    const entries: JournalEntry[] = [];
    for (const { entry_json, ...row } of rows) {
      const entry: JournalEntry = { ...row, name: row.name ?? "" };
      const parsed = JSON.parse(entry_json) as RunCompletion;
      const command = parsed.Command?.Run;
      const completion = parsed.Notification?.Completion?.Run;
      if (command !== undefined) runs.set(command.completion_id, entry);
      if (completion !== undefined) {
        const run = runs.get(completion.completion_id);
        if (run !== undefined && completion.result.Success !== undefined) {
          run.resultBytes = Uint8Array.from(completion.result.Success);
          run.result = Buffer.from(run.resultBytes).toString("utf8");
        }
        if (run !== undefined && completion.result.Failure !== undefined) {
          run.failure = completion.result.Failure;
        }
      }
      entries.push(entry);
    }
    return entries;
  }

  private body(value: unknown): string | Uint8Array<ArrayBuffer> {
    const json = JSON.stringify(value);
    if (this.codec === undefined) return json;
    return new Uint8Array(this.codec.encode(new TextEncoder().encode(json)));
  }
}

/**
 * The JSON body of an ingress answer, decoded with `codec` if given; throws {@link IngressError}
 * for a non-2xx answer.
 */
export async function readResult(response: Response, codec?: ValueCodec): Promise<unknown> {
  if (!response.ok) throw new IngressError(response.status, await response.text());
  const bytes = new Uint8Array(await response.arrayBuffer());
  const decoded = codec === undefined ? bytes : await codec.decode(bytes);
  const text = new TextDecoder().decode(decoded);
  return text === "" ? undefined : JSON.parse(text);
}
