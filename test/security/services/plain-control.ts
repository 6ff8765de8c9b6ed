/**
 * The control of the storage searches: an object served without journal encryption, so its input,
 * state, step result and output are stored in plain text — where the searches must find them.
 */
import * as restate from "@restatedev/restate-sdk";

export const plainControl = restate.object({
  name: "plainControl",
  handlers: {
    keep: async (ctx: restate.ObjectContext, marker: string) => {
      ctx.set("note", `state ${marker}`);
      const seen = await ctx.run("look", () => `run ${marker}`);
      return `output ${seen}`;
    },
  },
});

export const services = [plainControl];
