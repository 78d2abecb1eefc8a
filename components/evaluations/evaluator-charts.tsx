"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { axis, grid, tooltipStyle } from "@/components/charts/chart-theme";
import { colorFor } from "@/lib/charts/palette";

const fmt = (v: number) => v.toFixed(2);

/** The mean score per day, a line per model / route / version, with the evaluator's threshold. */
export function DailyMeanChart(props: { rows: Array<Record<string, string | number | null>>; keys: string[]; threshold: number | null }) {
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={props.rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid {...grid} />
        <XAxis dataKey="label" {...axis} minTickGap={24} />
        <YAxis {...axis} width={48} domain={[0, 1]} tickFormatter={fmt} />
        <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === "number" ? fmt(v) : "—")} />
        <Legend />
        {props.threshold !== null ? (
          <ReferenceLine y={props.threshold} stroke="var(--danger, #d33)" strokeDasharray="4 4" label={{ value: `threshold ${fmt(props.threshold)}`, position: "insideTopRight", fill: "var(--muted)" }} />
        ) : null}
        {props.keys.map((k) => (
          <Line key={k} type="monotone" dataKey={k} stroke={colorFor(props.keys, k)} strokeWidth={2} dot={false} connectNulls />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** How the score's values spread over [0, 1]. */
export function ScoreHistogram(props: { bins: Array<{ label: string; count: number }> }) {
  return (
    <ResponsiveContainer width="100%" height={200}>
      <BarChart data={props.bins} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid {...grid} />
        <XAxis dataKey="label" {...axis} interval={0} tick={{ fontSize: 10 }} />
        <YAxis {...axis} width={48} allowDecimals={false} />
        <Tooltip {...tooltipStyle} />
        <Bar dataKey="count" name="traces" fill="var(--accent, #4f7cff)" />
      </BarChart>
    </ResponsiveContainer>
  );
}
