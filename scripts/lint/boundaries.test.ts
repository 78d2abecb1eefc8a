import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module script without declarations
import { checkBoundaries } from "./boundaries.mjs";

type Violation = { from: string; to: string; rule: { name: string; severity: string } };

/** A small tree planted with one import of each kind the rules must refuse. */
const planted: Record<string, string> = {
  "db/client.ts": "export const client = 1;\n",
  "lib/drift/stat.ts": 'import { client } from "../../db/client";\nexport const stat = client;\n',
  "lib/services/record.ts": 'import { client } from "../../db/client";\nexport const record = client;\n',
  "lib/queries/read.ts": 'import { record } from "../services/record";\nexport const read = record;\n',
  "lib/monitors/one.ts": 'import { two } from "./two";\nexport const one = () => two();\n',
  "lib/monitors/two.ts": 'import { one } from "./one";\nexport const two = (): unknown => one;\n',
  "lib/charts/prepare-line.ts": 'import { stat } from "../drift/stat";\nexport const line = stat;\n',
  "lib/ingest/map.ts": 'import { read } from "../queries/read";\nexport const map = read;\n',
  "lib/jobs/run.ts": 'import { one } from "../monitors/one";\nimport { client } from "../../db/client";\nexport const run = [one, client];\n',
};

let root = "";
let violations: Violation[] = [];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "boundaries-"));
  for (const [file, text] of Object.entries(planted)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  violations = (await checkBoundaries({ baseDir: root, roots: ["lib", "db"] })) as Violation[];
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const found = (name: string, from: string, to: string) => violations.find((v) => v.rule.name === name && v.from === from && v.to === to);

describe("the room rules of .dependency-cruiser.cjs", () => {
  it("refuse a circle", () => {
    // one report per circle, at the edge where the cruise closed it
    const circle = violations.filter((v) => v.rule.name === "no-circular").map((v) => [v.from, v.to].sort());
    expect(circle).toEqual([["lib/monitors/one.ts", "lib/monitors/two.ts"]]);
    expect(violations.find((v) => v.rule.name === "no-circular")?.rule.severity).toBe("error");
  });

  it("refuse lib/drift importing anything of ours", () => {
    expect(found("drift-is-pure", "lib/drift/stat.ts", "db/client.ts")?.rule.severity).toBe("error");
  });

  it("refuse lib/queries importing lib/services", () => {
    expect(found("queries-read-the-database", "lib/queries/read.ts", "lib/services/record.ts")?.rule.severity).toBe("error");
  });

  it("refuse lib/charts importing another room and lib/ingest importing a read model", () => {
    expect(found("charts-is-pure", "lib/charts/prepare-line.ts", "lib/drift/stat.ts")?.rule.severity).toBe("error");
    expect(found("ingest-validates-and-maps", "lib/ingest/map.ts", "lib/queries/read.ts")?.rule.severity).toBe("error");
  });

  it("let allowed arrows pass", () => {
    expect(violations.filter((v) => v.from === "lib/jobs/run.ts" || v.from === "lib/services/record.ts")).toEqual([]);
    expect(violations).toHaveLength(5);
  });
});
