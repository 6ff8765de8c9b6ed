import { defineConfig } from "vite";

// The browser bundle: React, @ai-sdk/react and RestateChatTransport, nothing of the Restate SDK.
export default defineConfig({
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      onLog(level, log, handler) {
        // swr (used by @ai-sdk/react) marks its modules "use client", which only matters to RSC
        if (log.code === "MODULE_LEVEL_DIRECTIVE") return;
        handler(level, log);
      },
    },
  },
});
