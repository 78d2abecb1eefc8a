import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MODEL_NAME, createEmbedder, EmbedderClosedError, type Embedder } from "./index";
import { LONG_TEXT, PARAPHRASE_TRIPLES } from "./test-fixtures";

describe("worker-thread embedder", () => {
  let inWorker: Embedder;
  let inProcess: Embedder;
  beforeAll(async () => {
    [inWorker, inProcess] = await Promise.all([
      createEmbedder({ model: BUNDLED_MODEL_NAME, worker: true, env: {} }),
      createEmbedder({ model: BUNDLED_MODEL_NAME, worker: false, env: {} }),
    ]);
  });
  afterAll(() => Promise.all([inWorker.close(), inProcess.close()]));

  it("reports the same model", () => {
    expect(inWorker.modelId).toBe(inProcess.modelId);
    expect(inWorker.dimensions).toBe(100);
    expect(inWorker.maxTokens).toBe(inProcess.maxTokens);
  });

  it("gives the same vectors and flags as in-process", async () => {
    const texts = [...PARAPHRASE_TRIPLES.flat(), LONG_TEXT, ""];
    const [a, b] = await Promise.all([inWorker.embedBatch(texts), inProcess.embedBatch(texts)]);
    expect(a.truncated).toEqual(b.truncated);
    expect(a.empty).toEqual(b.empty);
    expect(a.vectors).toEqual(b.vectors);
    expect(a.truncated.at(-2)).toBe(true);
  });

  it("answers concurrent calls in order", async () => {
    const single = await Promise.all(["one cat", "two dogs", "three birds"].map((t) => inWorker.embed([t])));
    const batch = await inWorker.embed(["one cat", "two dogs", "three birds"]);
    expect(single.map((v) => v[0])).toEqual(batch);
  });

  it("replaces a worker that died and reloads the same model", async () => {
    const embedder = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: true, env: {} });
    try {
      const before = await embedder.embed(["restart me"]);
      // Simulate a crash of the thread (not a close of the embedder).
      const internals = embedder as unknown as { thread: { worker: { terminate(): Promise<number> } } };
      await internals.thread.worker.terminate();
      expect(await embedder.embed(["restart me"])).toEqual(before);
    } finally {
      await embedder.close();
    }
  });

  it("refuses work after close", async () => {
    const embedder = await createEmbedder({ model: BUNDLED_MODEL_NAME, worker: true, env: {} });
    await embedder.close();
    await expect(embedder.embed(["x"])).rejects.toThrow(EmbedderClosedError);
  });
});
