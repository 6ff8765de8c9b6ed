/**
 * `RestateSession`: the Agents SDK's conversation memory on the state of a Restate Virtual Object.
 *
 * The history lives under one state key of the object, so it is isolated per object key and
 * survives crashes like any Restate state. It is read once per invocation and written once per
 * `addItems` (the runner adds a run's new items at its end), never item by item.
 */
import type { AgentInputItem, Session } from "@openai/agents";
import type { ObjectContext } from "@restatedev/restate-sdk";

export interface RestateSessionOptions {
  /** State key of the history. Default `"agent-session"`. */
  stateKey?: string;
}

export class RestateSession implements Session {
  private readonly ctx: ObjectContext;
  private readonly stateKey: string;
  private items: AgentInputItem[] | undefined;

  constructor(ctx: ObjectContext, options: RestateSessionOptions = {}) {
    this.ctx = ctx;
    this.stateKey = options.stateKey ?? "agent-session";
  }

  /** The Virtual Object's key. */
  async getSessionId(): Promise<string> {
    return this.ctx.key;
  }

  async getItems(limit?: number): Promise<AgentInputItem[]> {
    const items = await this.load();
    return limit === undefined ? [...items] : items.slice(Math.max(0, items.length - limit));
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    if (items.length === 0) return;
    const history = [...(await this.load()), ...items];
    this.save(history);
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    const history = [...(await this.load())];
    const last = history.pop();
    if (last !== undefined) this.save(history);
    return last;
  }

  async clearSession(): Promise<void> {
    this.items = [];
    this.ctx.clear(this.stateKey);
  }

  private async load(): Promise<AgentInputItem[]> {
    this.items ??= (await this.ctx.get<AgentInputItem[]>(this.stateKey)) ?? [];
    return this.items;
  }

  private save(history: AgentInputItem[]): void {
    this.items = history;
    this.ctx.set(this.stateKey, history);
  }
}
