/** react-query keys shared by server prefetch and client widgets. */
export const queryKeys = {
  overview: (project: string, period: string) => ["overview", project, period] as const,
  breakdown: (project: string, period: string, by: string) => ["breakdown", project, period, by] as const,
  nearDuplicates: (project: string, period: string) => ["near-duplicates", project, period] as const,
  routing: (project: string, period: string, by: string, score: string) => ["routing", project, period, by, score] as const,
  matched: (project: string, period: string, score: string) => ["routing-matched", project, period, score] as const,
  traces: (project: string, filter: string) => ["traces", project, filter] as const,
  dataExtent: (project: string, period: string) => ["data-extent", project, period] as const,
  evaluators: (project: string) => ["evaluators", project] as const,
  evaluatorSeries: (project: string, evaluatorId: string, days: number, groupBy: string) => ["evaluator-series", project, evaluatorId, days, groupBy] as const,
  datasets: (project: string) => ["datasets", project] as const,
  datasetItems: (project: string, datasetId: string) => ["dataset-items", project, datasetId] as const,
};
