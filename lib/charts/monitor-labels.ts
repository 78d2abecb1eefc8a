/**
 * Labels and number formatting shared by the Drift pages' charts: kind names, window
 * labels, which statistic a series shows, p-values and signed/percent values.
 * No React, no I/O.
 */
import type { MonitorKind, MonitorVerdict } from "@/db/schema";

export const MONITOR_KIND_LABELS: Record<MonitorKind, string> = {
  embedding_drift: "Embedding drift",
  topic_drift: "Topic drift",
  concept_drift: "Concept drift",
  version_regression: "Version regression",
  metric: "Metric",
};

/** The part of a stored result the series needs (artefacts not required). */
export type SeriesResult = {
  id: string;
  windowStart: string;
  windowEnd: string;
  verdict: MonitorVerdict;
  pValue: number | null;
  score: number | null;
  threshold: number | null;
  statistics: Record<string, unknown>;
  sampleSizes: { reference: number; current: number };
};

export type SeriesPoint = {
  id: string;
  /** Window end, ms since epoch (the x axis is time). */
  t: number;
  label: string;
  value: number | null;
  secondary: number | null;
  pValue: number | null;
  verdict: MonitorVerdict;
  /** Set only on drift windows, so verdict markers draw on those alone. */
  drift: number | null;
};

export type DriftSeries = {
  points: SeriesPoint[];
  /** What `value` is, e.g. "PSI of the topic mix". */
  valueLabel: string;
  secondaryLabel: string | null;
  /** The threshold line (on `value`), or null when the verdict has no fixed threshold on it. */
  threshold: number | null;
};

export const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
export const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** "2026-11-12 00:00" — all times on the dashboard are UTC. */
export function formatWindowLabel(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** "11-12 → 11-13" style short label of a window, by its end day when it is a whole day. */
export function formatWindowRange(start: string, end: string): string {
  return `${formatWindowLabel(start)} → ${formatWindowLabel(end)} UTC`;
}

/** Which statistic a kind's series shows, and a second one worth drawing beside it. */
export function seriesLabels(kind: MonitorKind, statistics: Record<string, unknown> | undefined): { value: string; secondary: string | null } {
  switch (kind) {
    case "embedding_drift":
      return { value: "Kernel two-sample AUC", secondary: "MMD²" };
    case "topic_drift":
      return { value: "PSI of the topic mix", secondary: "Emerging share (beyond the reference's p95 distance)" };
    case "concept_drift":
      return { value: "Significant changes (pooled and per topic)", secondary: "Smallest adjusted p" };
    case "version_regression":
      return { value: "Regressing version changes", secondary: null };
    case "metric": {
      const detector = typeof statistics?.detector === "string" ? statistics.detector : null;
      return { value: detector === "threshold" ? "Aggregate of the window" : "Detector statistic", secondary: null };
    }
  }
}

/** The secondary statistic of one result (see seriesLabels), or null. */
export function secondaryValue(kind: MonitorKind, r: SeriesResult): number | null {
  const s = r.statistics;
  if (kind === "embedding_drift") {
    const parts = ["prompt", "response"].map((k) => num(obj(obj(s[k]).mmd).mmd2)).filter((v): v is number => v !== null);
    return parts.length ? Math.max(...parts) : null;
  }
  if (kind === "topic_drift") return num(obj(s.emerging).share);
  if (kind === "concept_drift") return r.pValue;
  return null;
}

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  if (p < 1e-4) return p.toExponential(1);
  return p.toFixed(4);
}

export const fmt = (v: unknown, digits = 3): string => {
  const n = num(v);
  return n === null ? "—" : Math.abs(n) >= 1000 ? n.toFixed(0) : n.toFixed(digits);
};
export const signed = (v: number, digits: number): string => `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(digits)}`;
export const pct = (v: unknown): string => {
  const n = num(v);
  return n === null ? "—" : `${(n * 100).toFixed(1)}%`;
};
