import type { ReferenceCase } from "../../drift/__fixtures__/load-reference";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectClose, loadReference } from "../../drift/__fixtures__/load-reference";
import { runCompare } from "./compare";

const ref = loadReference();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "driftline-compare-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

async function file(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join("\n") + "\n");
  return path;
}

const jsonl = (values: unknown[], wrap: (v: unknown) => unknown) => values.map((v) => JSON.stringify(wrap(v)));

async function run(argv: string[], embedTexts?: (t: string[]) => Promise<number[][]>) {
  const out = sink();
  const err = sink();
  const code = await runCompare(argv, { stdout: out.stream, stderr: err.stream, embedTexts });
  return { code, stdout: out.text(), stderr: err.text() };
}

const byName = (list: { name: string }[], name: string) => list.find((c) => c.name === name) as ReferenceCase;

describe("driftline compare — numeric", () => {
  const c = byName(ref.numeric, "mean-shift");
  it("--json prints exactly the documented object, matching scipy", async () => {
    const a = await file("num-ref.jsonl", jsonl(c.reference, (v) => ({ id: 1, metrics: { latency: v } })));
    const b = await file("num-cur.jsonl", jsonl(c.current, (v) => ({ id: 2, metrics: { latency: v } })));
    const r = await run(["--reference", a, "--current", b, "--field", "metrics.latency", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(["drift", "jensenShannon", "kind", "ks", "n", "psi", "wasserstein", "wassersteinNormed"]);
    expect(j.kind).toBe("numeric");
    expect(j.n).toEqual({ reference: 800, current: 800 });
    expect(Object.keys(j.ks).sort()).toEqual(["method", "pValue", "statistic"]);
    expect(j.ks.method).toBe("exact");
    expectClose(j.ks.pValue, c.expected.ks.pValue, 1e-6);
    expectClose(j.psi, c.expected.psi, 1e-9);
    expectClose(j.jensenShannon, c.expected.jensenShannon, 1e-9);
    expectClose(j.wasserstein, c.expected.wasserstein, 1e-9);
    expect(j.drift).toBe(true);
  });
  it("prints a readable report with a verdict line by default", async () => {
    const a = await file("num-ref2.jsonl", jsonl(c.reference, (v) => ({ latency: v })));
    const b = await file("num-cur2.jsonl", jsonl(c.current, (v) => ({ latency: v })));
    const r = await run(["--reference", a, "--current", b, "--field", "latency"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('field "latency" (numeric)');
    expect(r.stdout).toMatch(/KS D\s+0\.1388\s+p = 3\.935e-7 \(exact\)/);
    expect(r.stdout).toMatch(/^verdict: DRIFT/m);
  });
});

describe("driftline compare — categorical and embedding", () => {
  it("categorical --json has the documented keys and scipy's numbers", async () => {
    const c = byName(ref.categorical, "categorical-shift");
    const a = await file("cat-ref.jsonl", jsonl(c.reference, (v) => ({ route: v })));
    const b = await file("cat-cur.jsonl", jsonl(c.current, (v) => ({ route: v })));
    const r = await run(["--reference", a, "--current", b, "--field", "route", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(["chiSquare", "drift", "gTest", "jensenShannon", "kind", "n", "psi"]);
    expect(j.chiSquare.dof).toBe(c.expected.chiSquare.dof);
    expectClose(j.chiSquare.statistic, c.expected.chiSquare.statistic, 1e-9);
    expectClose(j.gTest.pValue, c.expected.gTest.pValue, 1e-9);
    expect(j.drift).toBe(true);
    const human = await run(["--reference", a, "--current", b, "--field", "route"]);
    expect(human.stdout).toMatch(/category\s+reference\s+current/);
  });

  it("embedding --json has the documented keys", async () => {
    const c = byName(ref.embedding, "embedding-mean-shift");
    const a = await file("emb-ref.jsonl", jsonl(c.reference, (v) => ({ embedding: v })));
    const b = await file("emb-cur.jsonl", jsonl(c.current, (v) => ({ embedding: v })));
    const r = await run(["--reference", a, "--current", b, "--field", "embedding", "--json", "--seed", "3", "--permutations", "99"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(["centroid", "classifier", "components", "dim", "drift", "kernel", "kind", "mmd", "mmdMultiscale", "n"]);
    expect(j.kind).toBe("embedding");
    expect(j.dim).toBe(16);
    expect(j.mmd.permutations).toBe(99);
    expectClose(j.mmd.mmd2, c.expected.mmd.mmd2, 0, 1e-9);
    expectClose(j.centroid.euclidean, c.expected.centroid.euclidean, 1e-9);
    expect(Object.keys(j.components).sort()).toEqual(["bonferroniP", "driftedShare"]);
  });

  it("--kind text embeds strings through io.embedTexts", async () => {
    const a = await file("txt-ref.jsonl", ["a", "bb", "ccc", "dddd"].map((t) => JSON.stringify({ prompt: t })));
    const b = await file("txt-cur.jsonl", ["eeeee", "ffffff", "ggggggg"].map((t) => JSON.stringify({ prompt: t })));
    const embed = async (texts: string[]) => texts.map((t) => [t.length, t.charCodeAt(0) / 100, 1]);
    const r = await run(["--reference", a, "--current", b, "--field", "prompt", "--kind", "text", "--json"], embed);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe("text");
    expect(j.dim).toBe(3);
    const noModel = await run(["--reference", a, "--current", b, "--field", "prompt", "--kind", "text"]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/--kind text needs an embedding model/);
  });

  it("--kind categorical accepts numeric codes", async () => {
    const a = await file("codes-ref.jsonl", [200, 200, 404, 500].map((s) => JSON.stringify({ status: s })));
    const b = await file("codes-cur.jsonl", [200, 500, 500].map((s) => JSON.stringify({ status: s })));
    const r = await run(["--reference", a, "--current", b, "--field", "status", "--kind", "categorical", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).chiSquare.dof).toBe(2);
  });
});

describe("driftline compare — bad input exits 2 naming file, line and problem", () => {
  const good = () => file("good.jsonl", ['{"x": 1}', '{"x": 2}', '{"x": 3}']);
  const cases: [string, string[], RegExp][] = [
    ["missing field", ['{"x": 1}', '{"y": 2}'], /bad\.jsonl:2: field "x" is missing/],
    ["mixed kinds", ['{"x": 1}', '{"x": "two"}'], /bad\.jsonl:2: mixed kinds: field "x" is a string, expected a number/],
    ["bad JSON", ['{"x": 1}', "", '{"x": 2'], /bad\.jsonl:3: invalid JSON/],
    ["non-finite number", ['{"x": 1}', '{"x": 1e999}'], /bad\.jsonl:2: field "x" is not a finite number/],
    ["empty sample", ["", "  "], /bad\.jsonl: empty sample/],
    ["not an object", ["[1, 2]"], /bad\.jsonl:1: expected a JSON object/],
    ["null value", ['{"x": null}'], /bad\.jsonl:1: field "x" is null/],
  ];
  it.each(cases)("%s", async (_name, lines, message) => {
    const g = await good();
    const bad = await file("bad.jsonl", lines);
    const r = await run(["--reference", g, "--current", bad, "--field", "x"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("ragged vectors", async () => {
    const a = await file("vec.jsonl", ['{"v": [1, 2, 3]}', '{"v": [1, 2, 4]}', '{"v": [1, 2]}']);
    const r = await run(["--reference", a, "--current", a, "--field", "v"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/vec\.jsonl:3: ragged vectors: field "v" has 2 values, expected 3 \(as at .*vec\.jsonl:1\)/);
  });

  it("non-finite vector element and non-numeric element", async () => {
    const a = await file("vec2.jsonl", ['{"v": [1, 2]}', '{"v": [1, "x"]}']);
    const r = await run(["--reference", a, "--current", a, "--field", "v"]);
    expect(r.stderr).toMatch(/vec2\.jsonl:2: field "v" element 1 is not a number/);
  });

  it("missing file, missing flags, bad --kind, bad --seed", async () => {
    const g = await good();
    expect((await run(["--reference", join(dir, "nope.jsonl"), "--current", g, "--field", "x"])).stderr).toMatch(/nope\.jsonl: cannot read file \(ENOENT\)/);
    expect((await run(["--reference", g])).stderr).toMatch(/missing --current, --field/);
    expect((await run(["--reference", g, "--current", g, "--field", "x", "--kind", "blob"])).stderr).toMatch(/--kind must be one of/);
    expect((await run(["--reference", g, "--current", g, "--field", "x", "--seed", "-1"])).code).toBe(2);
    expect((await run(["--bogus"])).code).toBe(2);
  });
});
