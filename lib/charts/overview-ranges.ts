/** Shared by the server page (prefetch) and the client view (fetch), so both use one cache key. */
export const OVERVIEW_RANGES = [
  { id: "24h", label: "24 h" },
  { id: "7d", label: "7 d" },
  { id: "30d", label: "30 d" },
] as const;

export type OverviewRange = (typeof OVERVIEW_RANGES)[number]["id"];

export function parseOverviewRange(value: string | undefined | null): OverviewRange {
  return OVERVIEW_RANGES.find((r) => r.id === value)?.id ?? "7d";
}

export function overviewQueryKey(project: string, range: string) {
  return ["overview", project, range] as const;
}
