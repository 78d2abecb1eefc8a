/** The one registry of react-query keys, shared by server prefetch and client widgets. */
export const queryKeys = {
  overview: (project: string, period: string) => ["overview", project, period] as const,
  breakdown: (project: string, period: string, by: string) => ["breakdown", project, period, by] as const,
  nearDuplicates: (project: string, period: string) => ["near-duplicates", project, period] as const,
  routing: (project: string, period: string, by: string, score: string) => ["routing", project, period, by, score] as const,
  matched: (project: string, period: string, score: string) => ["routing-matched", project, period, score] as const,
  traces: (project: string, filter: string) => ["traces", project, filter] as const,
  dataExtent: (project: string, period: string) => ["data-extent", project, period] as const,
  monitors: (project: string) => ["monitors", project] as const,
  alerts: (project: string, state: string) => ["alerts", project, state] as const,
  openAlerts: (project: string) => ["open-alerts", project] as const,
  series: (project: string, monitorId: string) => ["monitor-series", project, monitorId] as const,
  result: (project: string, monitorId: string, resultId: string) => ["monitor-result", project, monitorId, resultId] as const,
  versionChanges: (project: string) => ["version-changes", project] as const,
  versionChange: (project: string, id: string) => ["version-change", project, id] as const,
  examples: (project: string, id: string) => ["version-change-examples", project, id] as const,
  embeddingBacklog: (project: string) => ["embedding-backlog", project] as const,
};
