/**
 * The examples endpoint: every example agent, served on one port (`PORT`, default 9080).
 * Register it with `restate deployments register http://localhost:9080` (or use `npm run dev`).
 * Journals and state are encrypted, and request signatures checked when `RESTATE_IDENTITY_KEYS` is
 * set (see endpoint-security.ts).
 */
import * as restate from "@restatedev/restate-sdk";
import { describeSecurity, examplesEndpointOptions } from "./endpoint-security.ts";
import { describeModel } from "./llm.ts";
import { openaiRefundAgent } from "./openai/approvals.ts";
import { openaiChat } from "./openai/chat.ts";
import { openaiClaimApprovalAgent } from "./openai/human-approval.ts";
import { openaiMultiAgent } from "./openai/multi-agent.ts";
import { openaiParallelTools } from "./openai/parallel-tools.ts";
import { openaiStreamingAgent } from "./openai/streaming.ts";
import { openaiWeatherAgent } from "./openai/weather.ts";
import { chat } from "./vercel/chat.ts";
import { failOnTerminalToolAgent } from "./vercel/fail-on-terminal-tool.ts";
import { humanClaimApprovalAgent } from "./vercel/human-approval.ts";
import { humanClaimApprovalWithTimeoutsAgent } from "./vercel/human-approval-timeout.ts";
import { manualLoopAgent } from "./vercel/manual-loop.ts";
import {
  eligibilityAgent,
  fraudCheckAgent,
  multiAgentClaimApproval,
  rateComparisonAgent,
} from "./vercel/multi-agent.ts";
import { parallelAgentClaimApproval } from "./vercel/parallel-agents.ts";
import { parallelToolClaimAgent } from "./vercel/parallel-tools.ts";
import { promptChaining } from "./vercel/patterns/chaining.ts";
import { moderationAgent } from "./vercel/patterns/moderation.ts";
import { parallelToolCallsAgent } from "./vercel/patterns/parallel-tool-calls.ts";
import { racingAgent } from "./vercel/patterns/racing.ts";
import { agentRouter } from "./vercel/patterns/routing-local.ts";
import {
  accountAgent,
  billingAgent,
  productAgent,
  remoteAgentRouter,
} from "./vercel/patterns/routing-remote.ts";
import { refundAgent } from "./vercel/patterns/tool-approval.ts";
import { agent } from "./vercel/quickstart.ts";
import { bookingWithRollbackAgent } from "./vercel/rollback.ts";
import { stopOnTerminalToolAgent } from "./vercel/stop-on-terminal-tool.ts";
import { humanApprovalWorkflow, subWorkflowClaimApprovalAgent } from "./vercel/sub-workflow.ts";
import { weatherAgent } from "./vercel/weather-agent.ts";
import { webChatServices } from "./web-chat/agents.ts";

export const services = [
  // Vercel AI SDK: quickstart and tour of agents
  agent,
  weatherAgent,
  humanClaimApprovalAgent,
  humanClaimApprovalWithTimeoutsAgent,
  chat,
  subWorkflowClaimApprovalAgent,
  humanApprovalWorkflow,
  multiAgentClaimApproval,
  eligibilityAgent,
  rateComparisonAgent,
  fraudCheckAgent,
  parallelToolClaimAgent,
  parallelAgentClaimApproval,
  bookingWithRollbackAgent,
  manualLoopAgent,
  failOnTerminalToolAgent,
  stopOnTerminalToolAgent,
  // Vercel AI SDK: patterns
  racingAgent,
  moderationAgent,
  promptChaining,
  agentRouter,
  remoteAgentRouter,
  billingAgent,
  accountAgent,
  productAgent,
  parallelToolCallsAgent,
  refundAgent,
  // OpenAI Agents SDK
  openaiWeatherAgent,
  openaiClaimApprovalAgent,
  openaiChat,
  openaiMultiAgent,
  openaiParallelTools,
  openaiRefundAgent,
  openaiStreamingAgent,
  // the web chat (both SDKs) and its durable chat streams
  ...webChatServices,
];

/** Journal encryption and request signature checks of the endpoint. */
export const endpointOptions = examplesEndpointOptions();

if (import.meta.main) {
  console.log(describeModel());
  console.log(describeSecurity());
  const port = await restate.serve({
    ...endpointOptions,
    services,
    port: Number(process.env.PORT ?? 9080),
  });
  console.log(`Example agents listening on port ${port}.`);
}
