/** The evidence rows of one window, in words and numbers. */
import { type SeriesResult, num, obj, formatWindowRange, formatP, fmt, signed, pct } from "./monitor-labels";
import type { MonitorKind } from "@/db/schema";

export type EvidenceRow = { label: string; value: string; emphasis?: boolean };

/**
 * The evidence behind one window's verdict, as label/value rows: the
 * statistics the verdict rests on, their p-values and thresholds, and the
 * sample sizes — what an engineer checks before acting on an alert.
 */
export function describeEvidence(kind: MonitorKind, r: SeriesResult, thresholds: Record<string, unknown>): EvidenceRow[] {
  const s = r.statistics;
  const rows: EvidenceRow[] = [
    { label: "Verdict", value: r.verdict.replace("_", " "), emphasis: r.verdict === "drift" },
    { label: "Window", value: formatWindowRange(r.windowStart, r.windowEnd) },
    { label: "Sample sizes", value: `reference ${r.sampleSizes.reference}, current ${r.sampleSizes.current}` },
  ];
  if (r.verdict === "insufficient_data") {
    rows.push({ label: "Reason", value: String(s.reason ?? "too little data") });
    return rows;
  }
  const alpha = `α = ${fmt(thresholds.alpha, 3)}`;
  if (kind === "embedding_drift") {
    for (const text of ["prompt", "response"] as const) {
      const part = obj(s[text]);
      if (!Object.keys(part).length) continue;
      rows.push(
        { label: `${text}: MMD²`, value: `${fmt(obj(part.mmd).mmd2, 5)} (permutation p ${formatP(num(obj(part.mmd).pValue))}, ${alpha}${s.text === "both" ? "/2" : ""})`, emphasis: (num(obj(part.mmd).pValue) ?? 1) < (num(s.alphaPerText) ?? 0.01) },
        ...(part.kernel
          ? [
              { label: `${text}: multi-scale MMD`, value: `permutation p ${formatP(num(obj(part.mmdMultiscale).pValue))} (${alpha}${s.text === "both" ? "/2" : ""})`, emphasis: (num(obj(part.mmdMultiscale).pValue) ?? 1) < (num(s.alphaPerText) ?? 0.01) },
              { label: `${text}: kernel AUC`, value: `${fmt(obj(part.kernel).auc)} (threshold ${fmt(thresholds.auc, 2)})`, emphasis: (num(obj(part.kernel).auc) ?? 0) >= (num(thresholds.auc) ?? 1) },
              { label: `${text}: linear classifier AUC`, value: fmt(obj(part.classifier).auc) },
            ]
          : // Results stored before the kernel AUC existed were judged on the linear classifier.
            [{ label: `${text}: classifier AUC`, value: `${fmt(obj(part.classifier).auc)} (threshold ${fmt(thresholds.auc, 2)})`, emphasis: (num(obj(part.classifier).auc) ?? 0) >= (num(thresholds.auc) ?? 1) }]),
        { label: `${text}: centroid distance`, value: fmt(obj(part.centroid).cosine ?? obj(part.centroid).euclidean, 4) },
        { label: `${text}: components drifted`, value: pct(obj(part.components).driftedShare) },
      );
    }
  } else if (kind === "topic_drift") {
    const mix = obj(s.mix);
    const emerging = obj(s.emerging);
    rows.push(
      { label: "Topics", value: fmt(s.topics, 0) },
      { label: "Mix: χ²", value: `${fmt(obj(mix.chiSquare).statistic, 2)} (p ${formatP(num(obj(mix.chiSquare).pValue))}, ${alpha})`, emphasis: mix.drift === true },
      { label: "Mix: PSI", value: `${fmt(mix.psi)} (threshold ${fmt(thresholds.psi, 2)})`, emphasis: (num(mix.psi) ?? 0) >= (num(thresholds.psi) ?? Infinity) },
      { label: "Mix: Jensen–Shannon", value: fmt(mix.jensenShannon) },
      { label: "Emerging share", value: `${pct(emerging.share)} vs held-out reference ${pct(emerging.heldOutShare)} (threshold ${pct(thresholds.emergingShare)})`, emphasis: emerging.drift === true },
      { label: "Emerging: Fisher p", value: `${formatP(num(emerging.fisherP))} (${alpha})` },
      { label: "Reference split", value: `fitted on ${fmt(obj(s.split).fitted, 0)}, held out ${fmt(obj(s.split).heldOut, 0)}` },
    );
  } else if (kind === "concept_drift") {
    const answers = obj(s.answerDrift);
    for (const x of (Array.isArray(s.pooled) ? (s.pooled as unknown[]) : []).map(obj)) {
      const metric = String(x.metric);
      const rate = x.test === "cmh";
      const detectable = obj(x.detectable);
      const change = rate
        ? `${signed(100 * (num(x.difference) ?? 0), 1)} points`
        : `${signed(num(x.difference) ?? 0, 3)} (${signed(num(x.effect) ?? 0, 2)} SD)`;
      const power = rate
        ? `+${fmt(100 * (num(detectable.change) ?? Number.NaN), 1)} points`
        : `${fmt(detectable.change, 3)} (${fmt(detectable.changeSd, 2)} SD)`;
      rows.push(
        {
          label: `${metric}: within topics`,
          value: `${change} over ${fmt(x.strata, 0)} topics (${rate ? "Cochran–Mantel–Haenszel" : "stratified t"} p ${formatP(num(x.pValue))}, Holm-adjusted ${formatP(num(x.adjustedP))}, ${alpha})`,
          emphasis: x.significant === true,
        },
        { label: `${metric}: detectable`, value: `a change of ${power} is found with ${pct(detectable.power)} probability at these sizes` },
      );
    }
    if (num(s.outsideTopics)) rows.push({ label: "Outside the reference topics", value: `${fmt(s.outsideTopics, 0)} current traces (left out of within-topic comparisons)` });
    rows.push(
      { label: "Significant per-topic comparisons", value: `${fmt(s.significant, 0)} of ${Array.isArray(s.comparisons) ? s.comparisons.length : 0} (${String(s.correction ?? "bh").toUpperCase()}-adjusted, ${alpha})`, emphasis: (num(s.significant) ?? 0) > 0 },
      { label: "Smallest adjusted p", value: formatP(r.pValue) },
    );
    if (Object.keys(answers).length) {
      rows.push({
        label: "Answer drift",
        value: `${fmt(answers.crossPairs, 0)} matched pairs, median response distance ${fmt(answers.crossMedian, 3)} vs ${fmt(answers.withinMedian, 3)} within the reference (p ${formatP(num(answers.pValue))})`,
        emphasis: answers.drift === true,
      });
    }
    for (const w of Array.isArray(s.reweighting) ? (s.reweighting as unknown[]) : []) {
      const x = obj(w);
      rows.push({ label: `${String(x.metric)}: mix vs within-topic`, value: `mix ${fmt(x.mixEffect, 3)}, within topics ${fmt(x.withinTopicEffect, 3)}` });
    }
  } else if (kind === "version_regression") {
    rows.push({ label: "Version changes evaluated", value: `${fmt(s.changes, 0)}, regressions ${fmt(s.regressions, 0)}`, emphasis: (num(s.regressions) ?? 0) > 0 });
    rows.push({ label: "Smallest adjusted p (worse metrics)", value: formatP(r.pValue) });
  } else {
    rows.push({ label: "Metric", value: `${String(s.metric ?? "")}${s.score ? ` (${String(s.score)})` : ""}` });
    for (const [k, v] of Object.entries(s)) {
      if (k === "metric" || k === "score" || typeof v === "object") continue;
      rows.push({ label: k, value: typeof v === "number" ? fmt(v, 3) : String(v) });
    }
    rows.push({ label: "Statistic / threshold", value: `${fmt(r.score)} / ${fmt(r.threshold)}`, emphasis: r.verdict === "drift" });
  }
  if (r.pValue !== null && kind !== "concept_drift" && kind !== "version_regression") rows.push({ label: "p-value of the verdict", value: formatP(r.pValue) });
  return rows;
}
