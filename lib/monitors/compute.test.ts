import { afterAll, describe, expect, it } from "vitest";
import { createRng, type Matrix } from "@/lib/drift";
import { compute, stopStatisticsThread } from "./compute";
import { computeTasks } from "./compute-tasks";

function gaussian(rows: number, cols: number, seed: number, shift = 0): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextNormal() + (i % cols === 0 ? shift : 0);
  return { rows, cols, data };
}

describe("the statistics worker thread", () => {
  afterAll(() => stopStatisticsThread());

  it("answers exactly what the same computation answers in-process", async () => {
    const ref = gaussian(120, 16, 1);
    const cur = gaussian(120, 16, 2, 0.4);
    const options = { seed: 7, permutations: 100, thresholds: { alpha: 0.01, psi: 0.1, auc: 0.6 } };
    const inThread = await compute("compareEmbeddings", ref, cur, options);
    expect(inThread).toEqual(computeTasks.compareEmbeddings(ref, cur, options));
    const topics = await compute("fitTopics", ref, { k: 4, seed: 3 });
    expect(topics).toEqual(computeTasks.fitTopics(ref, { k: 4, seed: 3 }));
    expect(await compute("assignTopics", cur, topics)).toEqual(computeTasks.assignTopics(cur, topics));
  });

  it("keeps the event loop free while a comparison runs", async () => {
    const ref = gaussian(600, 48, 3);
    const cur = gaussian(600, 48, 4, 0.2);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    await compute("compareEmbeddings", ref, cur, { seed: 1, permutations: 1000, thresholds: { alpha: 0.01, psi: 0.1, auc: 0.6 } });
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // In-process, the interval could not fire at all until the comparison returned.
    expect(elapsed).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 10 / 4));
  });

  it("passes a computation's error back with its name and message, and keeps working", async () => {
    const one = gaussian(1, 4, 5);
    await expect(compute("projectTo2d", one, one)).rejects.toMatchObject({ name: "RangeError", message: expect.stringContaining("two reference rows") });
    await stopStatisticsThread();
    const two = gaussian(10, 4, 6);
    const projection = await compute("projectTo2d", two, two);
    expect(projection.reference).toHaveLength(10);
  });
});
