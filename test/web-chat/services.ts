/** The web chat's agents and chat streams, served by a killable child process for the browser test. */
export { webChatServices as services } from "../../examples/src/web-chat/agents.ts";
