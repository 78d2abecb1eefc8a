"use client";

import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { axis, tooltipStyle } from "@/components/charts/chart-theme";
import type { MetricRow } from "@/lib/charts/regression";

const COLORS = { worse: "#ef4444", better: "#22c55e", none: "#94a3b8" } as const;

/** Relative effect (after vs before) per metric with its 95% CI; red = significantly worse. */
export function EffectChart({ rows }: { rows: MetricRow[] }) {
  const data = rows
    .filter((r) => r.effectKind === "relative")
    .map((r) => ({ label: r.label, effect: r.effectValue * 100, ci: [r.effectValue * 100 - r.ciLow * 100, r.ciHigh * 100 - r.effectValue * 100], direction: r.direction }));
  if (data.length === 0) return null;
  return (
    <ResponsiveContainer width="100%" height={40 * data.length + 50}>
      <BarChart data={data} layout="vertical" margin={{ top: 8, right: 24, left: 8, bottom: 0 }}>
        <CartesianGrid stroke="var(--border)" horizontal={false} />
        <XAxis type="number" {...axis} tickFormatter={(v: number) => `${v.toFixed(0)}%`} />
        <YAxis type="category" dataKey="label" {...axis} width={170} />
        <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)}%` : String(v))} />
        <ReferenceLine x={0} stroke="var(--muted)" />
        <Bar dataKey="effect" name="Change of the mean" isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.label} fill={COLORS[d.direction]} />
          ))}
          <ErrorBar dataKey="ci" width={6} stroke="var(--text)" direction="x" />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
