import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createEmbedder, DEFAULT_EMBEDDING_MODEL, EmbeddingConfigError, readEmbeddingConfig } from "./index";

const cacheDir = mkdtempSync(join(tmpdir(), "driftline-model-cache-"));

describe("model resolution from the environment", () => {
  it("defaults to MiniLM from the hub, cached under .data/models", () => {
    const config = readEmbeddingConfig({});
    expect(config).toMatchObject({ model: DEFAULT_EMBEDDING_MODEL, dtype: "fp32", allowRemoteModels: true });
    expect(config.cacheDir).toMatch(/\.data\/models$/);
    expect(config.modelPath).toBeUndefined();
  });

  it("reads every variable", () => {
    const config = readEmbeddingConfig({
      EMBEDDING_MODEL: "Xenova/bge-small-en-v1.5",
      EMBEDDING_MODEL_PATH: "/srv/models/minilm",
      EMBEDDING_DTYPE: "q8",
      EMBEDDING_OFFLINE: "true",
      DRIFTLINE_MODEL_CACHE: "/var/cache/driftline",
    });
    expect(config).toEqual({
      model: "Xenova/bge-small-en-v1.5",
      modelPath: "/srv/models/minilm",
      dtype: "q8",
      allowRemoteModels: false,
      cacheDir: "/var/cache/driftline",
    });
  });

  it("names the malformed variable", () => {
    expect(() => readEmbeddingConfig({ EMBEDDING_DTYPE: "fp8" })).toThrow(EmbeddingConfigError);
    expect(() => readEmbeddingConfig({ EMBEDDING_DTYPE: "fp8" })).toThrow(/EMBEDDING_DTYPE/);
    expect(() => readEmbeddingConfig({ EMBEDDING_OFFLINE: "maybe" })).toThrow(/EMBEDDING_OFFLINE/);
  });
});

describe("fallback to the bundled model", () => {
  it("warns once and reports the bundled model when the hub model cannot be loaded", async () => {
    const warn = vi.fn();
    const env = { EMBEDDING_MODEL: "driftline-test/unreachable-model", EMBEDDING_OFFLINE: "1", DRIFTLINE_MODEL_CACHE: cacheDir };
    const first = await createEmbedder({ env, worker: false, warn });
    const second = await createEmbedder({ env, worker: false, warn });
    try {
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/embedding model "driftline-test\/unreachable-model" could not be loaded .*Falling back to the bundled offline model driftline-glove-100d@/);
      for (const embedder of [first, second]) {
        expect(embedder.source).toBe("bundled");
        expect(embedder.modelId).toMatch(/^driftline-glove-100d@/);
        expect(embedder.dimensions).toBe(100);
        expect(embedder.fallback).toMatchObject({ requested: "driftline-test/unreachable-model" });
      }
      expect((await first.embed(["still works offline"]))[0]).toHaveLength(100);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it("falls back from a local folder that holds no model", async () => {
    const warn = vi.fn();
    const missing = join(cacheDir, "no-model-here");
    const embedder = await createEmbedder({ modelPath: missing, worker: false, warn, env: {} });
    await embedder.close();
    expect(embedder.source).toBe("bundled");
    expect(embedder.fallback?.requested).toBe(missing);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("fails instead when fallback is off", async () => {
    await expect(
      createEmbedder({ model: "driftline-test/another-missing-model", allowRemoteModels: false, cacheDir, fallback: false, worker: false, env: {} }),
    ).rejects.toThrow();
  });
});
