/**
 * What journal encryption costs per journal entry, measured in the driver process without Restate:
 * the codec's encode plus decode of one value (a step's live path does both: the SDK encodes the
 * step's result and decodes the completion Restate sends back), for values shaped like our journal
 * entries (superjson of a model result whose text is varied English, as compressible as real model
 * output) of 1 KiB, 16 KiB and 256 KiB, without and with deflate; and the bytes it stores.
 */
import { performance } from "node:perf_hooks";
import { journalCodec, superJson } from "@restate-ai/vercel-middleware";
import type { CodecFigure } from "./results.ts";
import { spread } from "./stats.ts";

const KEY = { id: "bench-1", key: new Uint8Array(32).fill(7) };
const WORDS =
  "the weather in detroit is partly cloudy with a chance of rain later today while paris stays mild and tokyo is humid our agent looked up the record of step and found the claim approved after review".split(
    " ",
  );

/** A superjson-serialised model result of about `bytes` bytes. */
export function journalValue(bytes: number): Uint8Array {
  let seed = bytes;
  const words: string[] = [];
  let length = 0;
  while (length < bytes - 160) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const word = WORDS[seed % WORDS.length] as string;
    words.push(word);
    length += word.length + 1;
  }
  return superJson.serialize({
    content: [{ type: "text", text: words.join(" ") }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: { inputTokens: { total: 120 }, outputTokens: { total: words.length } },
    response: { id: "resp_0123456789", timestamp: new Date(1_700_000_000_000) },
  });
}

export async function codecCost(batches: number): Promise<CodecFigure[]> {
  const figures: CodecFigure[] = [];
  for (const size of [1024, 16 * 1024, 256 * 1024]) {
    const value = journalValue(size);
    for (const compressAbove of [undefined, 1024]) {
      const codec = await journalCodec({
        keys: [KEY],
        ...(compressAbove === undefined ? {} : { compressAbove }),
      });
      const ops = Math.max(20, Math.round((2000 * 1024) / size));
      const roundTrip = async () => {
        for (let i = 0; i < ops; i++) await codec.decode(codec.encode(value));
      };
      await roundTrip();
      const micros: number[] = [];
      for (let b = 0; b < batches; b++) {
        const start = performance.now();
        await roundTrip();
        micros.push(((performance.now() - start) * 1000) / ops);
      }
      figures.push({
        valueBytes: value.length,
        compressed: compressAbove !== undefined,
        storedBytes: codec.encode(value).length,
        microsPerEntry: spread(micros),
      });
    }
  }
  return figures;
}
