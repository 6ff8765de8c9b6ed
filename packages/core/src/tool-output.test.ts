import { describe, expect, it } from "vitest";
import { unsendableToolOutput } from "./tool-output.js";

describe("unsendableToolOutput", () => {
  it("accepts what JSON can carry, including dates, methods and repeated (not cyclic) objects", () => {
    const shared = { id: 1 };
    expect(unsendableToolOutput("text")).toBeUndefined();
    expect(unsendableToolOutput(undefined)).toBeUndefined();
    expect(
      unsendableToolOutput({ at: new Date(0), list: [shared, shared], nested: { ok: true } }),
    ).toBeUndefined();
    expect(unsendableToolOutput({ value: 1, format: () => "1" })).toBeUndefined();
  });

  it("names a function result, a BigInt and a cycle, with where they are", () => {
    expect(unsendableToolOutput(() => "x")).toBe("a function");
    expect(unsendableToolOutput({ order: { total: 10n } })).toBe("a BigInt at .order.total");
    expect(unsendableToolOutput([1, 2n])).toBe("a BigInt at .1");
    const loop: Record<string, unknown> = { name: "loop" };
    loop.child = { parent: loop };
    expect(unsendableToolOutput(loop)).toBe("a cyclic object at .child.parent");
  });
});
