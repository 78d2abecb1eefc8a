import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { encodeCursor } from "@/lib/queries/trace-cursor";
import { parseTraceListParams } from "./query-params";

const parse = (query: string) => parseTraceListParams(new URLSearchParams(query));

function paths(query: string): string[] {
  try {
    parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details?.map((d) => d.path) ?? [];
  }
  throw new Error(`${query} was accepted`);
}

describe("parseTraceListParams (the one trace-list contract)", () => {
  it("defaults to the newest 50 with no filter", () => {
    expect(parse("")).toEqual({ limit: 50 });
  });

  it("takes every filter of the API and the dashboard", () => {
    const cursor = { startedAt: new Date("2026-11-02T00:00:00.000Z"), id: "00000000-0000-4000-8000-000000000001" };
    expect(
      parse(`from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z&model=gpt-4o&route=chat&status=refused&q=%20refund%20&limit=500&cursor=${encodeCursor(cursor)}`),
    ).toEqual({
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-03T00:00:00Z"),
      model: "gpt-4o",
      route: "chat",
      status: "refused",
      q: "refund",
      limit: 500,
      cursor,
    });
  });

  it("reads an empty value as any", () => {
    expect(parse("model=&route=&status=&q=&from=")).toEqual({ limit: 50 });
  });

  it("names each bad parameter", () => {
    expect(paths("limit=0&from=yesterday&status=maybe")).toEqual(expect.arrayContaining(["query.limit", "query.from", "query.status"]));
    expect(paths("limit=501")).toEqual(["query.limit"]);
    expect(paths("cursor=nope")).toEqual(["query.cursor"]);
    expect(paths("from=2026-11-03T00:00:00Z&to=2026-11-01T00:00:00Z")).toEqual(["query.from"]);
  });
});
