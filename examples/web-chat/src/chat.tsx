/**
 * The web chat: `useChat` with `RestateChatTransport`, so the conversation survives reloads,
 * crashes of the agent and retries. Messages are kept in localStorage; on load the running turn
 * (if any) is resumed from the durable stream. Approvals are answered on the server; Stop cancels
 * the run in Restate.
 */
import { useChat } from "@ai-sdk/react";
import { RestateChatTransport } from "@restate-ai/vercel-middleware/chat-transport";
import { isToolUIPart, type UIMessage } from "ai";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";

type AgentKind = "vercel" | "agents";

const AGENTS: Record<AgentKind, string> = {
  vercel: "Vercel AI SDK agent (streamText + durableCalls)",
  agents: "OpenAI Agents SDK agent (DurableRunner)",
};

const newChatId = () => `chat-${crypto.randomUUID().slice(0, 8)}`;
const stored = <T,>(key: string, fallback: T): T => {
  const value = localStorage.getItem(key);
  return value === null ? fallback : (JSON.parse(value) as T);
};

export function App() {
  const [agent, setAgent] = useState<AgentKind>(() => stored("web-chat:agent", "vercel"));
  const [chatId, setChatId] = useState<string>(() => stored("web-chat:chat", newChatId()));
  useEffect(() => localStorage.setItem("web-chat:agent", JSON.stringify(agent)), [agent]);
  useEffect(() => localStorage.setItem("web-chat:chat", JSON.stringify(chatId)), [chatId]);
  const switchTo = (next: AgentKind) => {
    setAgent(next);
    setChatId(newChatId());
  };
  return (
    <main>
      <header>
        <h1>Durable chat</h1>
        <label>
          Agent{" "}
          <select
            data-testid="agent"
            value={agent}
            onChange={(event) => switchTo(event.target.value as AgentKind)}
          >
            {Object.entries(AGENTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setChatId(newChatId())}>
          New chat
        </button>
      </header>
      <Chat key={chatId} chatId={chatId} agent={agent} />
    </main>
  );
}

function Chat({ chatId, agent }: { chatId: string; agent: AgentKind }) {
  const agentRef = useRef(agent);
  agentRef.current = agent;
  const transport = useMemo(
    () => new RestateChatTransport({ api: "/api/chat", body: () => ({ agent: agentRef.current }) }),
    [],
  );
  const storageKey = `web-chat:messages:${chatId}`;
  const { messages, sendMessage, status, error } = useChat({
    id: chatId,
    transport,
    resume: true,
    messages: stored<UIMessage[]>(storageKey, []),
  });
  useEffect(
    () => localStorage.setItem(storageKey, JSON.stringify(messages)),
    [messages, storageKey],
  );
  const [input, setInput] = useState("");
  const [stopping, setStopping] = useState(false);
  const busy = status === "submitted" || status === "streaming";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim() === "" || busy) return;
    void sendMessage({ text: input });
    setInput("");
  };
  const stop = async () => {
    setStopping(true);
    try {
      await transport.stop(chatId);
    } finally {
      setStopping(false);
    }
  };

  return (
    <section>
      <p className="hint">
        Chat <code>{chatId}</code> with the {AGENTS[agent]}. Try “Tell me about durable execution”,
        “What is the weather in Paris?” or “Refund 120 EUR for order 42”. Reload the page or kill
        the agents mid-answer: the stream continues.
      </p>
      <ol className="messages">
        {messages.map((message) => (
          <li key={message.id} className={message.role} data-testid={`message-${message.role}`}>
            {message.parts.map((part, index) => {
              const key = `${message.id}-${index}`;
              if (part.type === "text") {
                return (
                  <p key={key} className="text" data-testid="text">
                    {part.text}
                  </p>
                );
              }
              if (isToolUIPart(part)) {
                return <ToolCall key={key} part={part} chatId={chatId} transport={transport} />;
              }
              if (part.type === "data-stopped") {
                return (
                  <p key={key} className="stopped" data-testid="stopped">
                    ■ stopped
                  </p>
                );
              }
              return null;
            })}
          </li>
        ))}
      </ol>
      {error !== undefined && <p className="error">{error.message}</p>}
      <form onSubmit={submit}>
        <input
          data-testid="prompt"
          value={input}
          placeholder="Ask something"
          onChange={(event) => setInput(event.target.value)}
        />
        <button type="submit" data-testid="send" disabled={busy}>
          Send
        </button>
        <button type="button" data-testid="stop" disabled={!busy || stopping} onClick={stop}>
          Stop
        </button>
        <span className="status" data-testid="status">
          {status}
        </span>
      </form>
    </section>
  );
}

type ToolPart = Extract<UIMessage["parts"][number], { toolCallId: string }>;

function ToolCall({
  part,
  chatId,
  transport,
}: {
  part: ToolPart;
  chatId: string;
  transport: RestateChatTransport;
}) {
  const [answering, setAnswering] = useState(false);
  const name = part.type === "dynamic-tool" ? part.toolName : part.type.slice("tool-".length);
  const answer = async (approved: boolean) => {
    if (part.approval === undefined) return;
    setAnswering(true);
    try {
      await transport.respondToApproval({ chatId, approvalId: part.approval.id, approved });
    } finally {
      setAnswering(false);
    }
  };
  return (
    <div className={`tool ${part.state}`} data-testid="tool" data-state={part.state}>
      <div>
        tool <strong>{name}</strong> <code>{JSON.stringify(part.input)}</code>{" "}
        <span className="state">{part.state}</span>
      </div>
      {part.state === "approval-requested" && (
        <div className="approval">
          Approve this call?{" "}
          <button
            type="button"
            data-testid="approve"
            disabled={answering}
            onClick={() => answer(true)}
          >
            Approve
          </button>
          <button
            type="button"
            data-testid="deny"
            disabled={answering}
            onClick={() => answer(false)}
          >
            Deny
          </button>
        </div>
      )}
      {part.state === "output-available" && (
        <pre data-testid="tool-output">{JSON.stringify(part.output, null, 1)}</pre>
      )}
      {part.state === "output-denied" && <div className="denied">denied</div>}
    </div>
  );
}
