import { describe, expect, it } from "vitest";
import { loadReference } from "./__fixtures__/load-reference";
import { createRng, permutation } from "./random";

describe("mulberry32", () => {
  const ref = loadReference().mulberry32;
  it("matches the Python re-implementation bit for bit (so splits and shuffles agree)", () => {
    const rng = createRng(ref.seed);
    expect(ref.first.map(() => rng.next())).toEqual(ref.first);
    expect(Array.from(permutation(12, createRng(ref.seed)))).toEqual(ref.permutation);
  });
  it("normal variates have mean ≈ 0 and variance ≈ 1", () => {
    const rng = createRng(1);
    let s = 0;
    let ss = 0;
    for (let i = 0; i < 20000; i++) {
      const z = rng.nextNormal();
      s += z;
      ss += z * z;
    }
    expect(Math.abs(s / 20000)).toBeLessThan(0.03);
    expect(Math.abs(ss / 20000 - 1)).toBeLessThan(0.05);
  });
});
