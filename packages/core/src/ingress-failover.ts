/**
 * Requests to the Restate ingress through the first reachable of several ingress URLs — the nodes
 * of a cluster, when no load balancer stands in front of them. A request that cannot connect,
 * whose connection breaks, or that a node answers with 502 / 503 / 504 goes to the next URL; the
 * URL that answered is tried first from then on. For requests that are safe to repeat only: the
 * chat streams' reads, appends (deduplicated by position) and turn starts (idempotency key).
 */

const NODE_TROUBLE = new Set([502, 503, 504]);

/** One ingress URL, or several; a string may list several, separated by commas. */
export type IngressUrlList = string | readonly string[];

export class IngressUrls {
  readonly urls: readonly string[];
  private preferred = 0;

  constructor(urls: IngressUrlList, what: string) {
    const list = (typeof urls === "string" ? urls.split(",") : urls)
      .map((url) => url.trim().replace(/\/$/, ""))
      .filter((url) => url !== "");
    if (list.length === 0) throw new TypeError(`${what}: no Restate ingress URL given`);
    for (const url of list) {
      if (!URL.canParse(url)) throw new TypeError(`${what}: ${JSON.stringify(url)} is not a URL`);
    }
    this.urls = list;
  }

  /** The URLs for messages, e.g. `http://n1:8080, http://n2:8080`. */
  toString(): string {
    return this.urls.join(", ");
  }

  /**
   * `fetch` of `path` (e.g. `ChatStreams/c1/read`) on the preferred URL, then on the others. The
   * last URL's answer is returned whatever its status; its connection error is thrown.
   * An abort of `init.signal` ends it at once.
   */
  async fetch(path: string, init: RequestInit): Promise<Response> {
    let failure: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const index = (this.preferred + i) % this.urls.length;
      try {
        const response = await fetch(`${this.urls[index]}/${path}`, init);
        if (NODE_TROUBLE.has(response.status) && i < this.urls.length - 1) {
          await response.body?.cancel();
          continue;
        }
        this.preferred = index;
        return response;
      } catch (error) {
        if (init.signal?.aborted) throw error;
        failure = error;
      }
    }
    throw failure;
  }
}
