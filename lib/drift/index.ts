/**
 * lib/drift — pure statistics and drift detectors. Numbers in, reports out:
 * no I/O, no clock, and every random step takes a seed.
 * Definitions and default thresholds: docs/statistics.md.
 */
export { compareNumeric, type NumericComparison } from "./compare-numeric";
export { compareCategorical, type CategoricalComparison } from "./compare-categorical";
export { compareEmbeddings, MMD_MAX_ROWS, type EmbeddingComparison, type EmbeddingOptions } from "./compare-embeddings";
export { DEFAULT_THRESHOLDS, type Thresholds } from "./thresholds";

export { ksTwoSample, KS_EXACT_MAX_N, type KsResult, type KsMethod } from "./ks";
export { populationStabilityIndex, PSI_FLOOR } from "./psi";
export { jensenShannonDistance } from "./jensen-shannon";
export { wasserstein1, wasserstein1Normed } from "./wasserstein";
export { decileEdges, binProportions } from "./binning";
export { chiSquareTest, gTest, countCategories, type ChiSquareResult, type GTestResult } from "./categorical";
export { mmdTest, MMD_DEFAULT_PERMUTATIONS, type MmdResult, type MmdOptions } from "./mmd";
export { mmdMultiscaleTest, MMD_BANDWIDTH_FACTORS, type MmdMultiscaleResult } from "./mmd-multiscale";
export { kernelWitnessAuc, type KernelAucResult } from "./kernel-auc";
export {
  cochranMantelHaenszel,
  stratifiedMeanDifference,
  detectableRateIncrease,
  detectableMeanShift,
  type CmhResult,
  type StratifiedMeanResult,
  type RateStratum,
  type MeanStratum,
} from "./stratified";
export { centroidDistance, type CentroidDistance } from "./centroid";
export { classifierTest, fitLogistic, type ClassifierResult } from "./classifier";
export { rocAuc } from "./roc-auc";
export { perDimensionKs, MAX_TESTED_DIMENSIONS, type PerDimensionKsResult } from "./per-dimension-ks";
export { fitPca, projectPca, type Pca } from "./pca";
export { quantiles, quantileSorted } from "./quantile";
export { matrixFromRows, type Matrix } from "./matrix";
export { createRng, type Rng } from "./random";
export {
  chi2Sf,
  normalCdf,
  normalSf,
  normalPpf,
  studentTSf,
  studentTCdf,
  studentTPpf,
  kolmogorovSf,
} from "./distributions";

export {
  pairedTTest,
  bootstrapMeanDifferenceCi,
  wilcoxonSignedRank,
  mannWhitneyU,
  mcnemarExact,
  discordantPairs,
  fisherExact,
  summaryQuantiles,
  type PairedTResult,
  type RankTestResult,
} from "./paired";
export { PageHinkley, Ddm, Adwin } from "./sequential";
export { kMeans, assignNearest, defaultClusterCount, type KMeansResult } from "./kmeans";
export { projectTo2d, type Projection2d } from "./projection";

// The monitors' statistics: metric detectors, quality and version comparisons, topics
// (docs/monitors.md, docs/statistics.md). Their helpers (bootstrap-ci.ts, multiple-testing.ts,
// terms.ts) are imported by path inside lib/drift.
export { evaluateMetricStream } from "./metric-detectors";
export { compareTopicQuality, compareAnswerDistances, type Outcome } from "./outcomes";
export { compareVersions, type VersionSample, type MetricComparison, type VersionVerdict } from "./compare-versions";
export { fitTopics, assignTopics, labelGroups, evaluateTopicDrift } from "./topics";
export { comparePooledQuality, withinReferenceTopics } from "./stratified-quality";
