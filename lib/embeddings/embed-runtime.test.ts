import { AutoTokenizer, Tensor } from "@huggingface/transformers";
import { describe, expect, it } from "vitest";
import { int64Tensor } from "./embed-runtime.mjs";
import { bundledModelDir } from "./registry";
import { LONG_TEXT, PARAPHRASE_TRIPLES } from "./test-fixtures";

describe("int64Tensor", () => {
  it("builds the same input tensors as the tokenizer's own tensor path", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(bundledModelDir());
    const texts = [...PARAPHRASE_TRIPLES.flat(), LONG_TEXT, ""];
    const options = { padding: true, truncation: true, max_length: 64 } as const;
    const reference = tokenizer(texts, options) as unknown as Record<string, Tensor>;
    const rows = tokenizer(texts, { ...options, return_tensor: false }) as unknown as Record<string, number[][]>;
    expect(Object.keys(rows).sort()).toEqual(Object.keys(reference).sort());
    for (const [key, value] of Object.entries(rows)) {
      const tensor = int64Tensor(Tensor, value);
      expect(tensor.type).toBe("int64");
      expect(tensor.dims).toEqual(reference[key]!.dims);
      expect(tensor.data).toEqual(reference[key]!.data);
    }
  });

  it("writes values outside the non-negative int32 range exactly", () => {
    const values = [0, 1, 0x7fffffff, 0x80000000, 2 ** 40, -1, -(2 ** 33)];
    const tensor = int64Tensor(Tensor, [values]);
    expect(Array.from(tensor.data as BigInt64Array)).toEqual(values.map(BigInt));
    expect(tensor.dims).toEqual([1, values.length]);
  });
});
