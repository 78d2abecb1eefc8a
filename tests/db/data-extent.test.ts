import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { projects } from "@/db/schema";
import { suggestPeriod } from "@/lib/charts/data-extent";
import { resolvePeriod } from "@/lib/period";
import { getDataExtent } from "@/lib/queries/data-extent";
import { recordTraces } from "@/lib/services/traces/record-traces";
import { minimalTrace } from "../../testing/fixtures/trace";
import { dbTargets } from "./targets";

describe.each(dbTargets())("data extent on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  const now = new Date("2026-12-05T12:00:00Z");

  beforeAll(async () => {
    handle = await target.open();
    const [p] = await handle.db.insert(projects).values({ slug: "extent", name: "extent" }).returning();
    projectId = p!.id;
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it("an empty project has no extent and no suggestion", async () => {
    const extent = await getDataExtent(handle.db, projectId, resolvePeriod({ range: "7d" }, now));
    expect(extent).toEqual({ first: null, last: null, inPeriod: false });
    expect(suggestPeriod(extent)).toBeNull();
  });

  it("data only before the chosen period: says where it is and offers its last week", async () => {
    await recordTraces(handle.db, {
      projectId,
      traces: [
        minimalTrace("a", { timestamp: new Date("2026-10-01T08:00:00Z") }),
        minimalTrace("b", { timestamp: new Date("2026-10-20T17:30:00Z") }),
      ],
    });
    const extent = await getDataExtent(handle.db, projectId, resolvePeriod({ range: "7d" }, now));
    expect(extent).toEqual({ first: "2026-10-01T08:00:00.000Z", last: "2026-10-20T17:30:00.000Z", inPeriod: false });
    expect(suggestPeriod(extent)!.selection).toEqual({ range: "custom", from: "2026-10-14", to: "2026-10-20" });
    const there = await getDataExtent(handle.db, projectId, resolvePeriod({ range: "custom", from: "2026-10-14", to: "2026-10-20" }, now));
    expect(there.inPeriod).toBe(true);
  });
});
