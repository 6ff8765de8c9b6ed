/**
 * The web chat's agents and chat streams, served by a killable child process for the browser test,
 * with the examples' journal encryption (keys from `RESTATE_AI_JOURNAL_KEYS`), as `npm start` runs.
 */

export { endpointOptions } from "../../examples/src/app.ts";
export { webChatServices as services } from "../../examples/src/web-chat/agents.ts";
