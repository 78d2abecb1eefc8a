"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { axis, tooltipStyle } from "@/components/charts/chart-theme";
import { type TopicBar } from "@/lib/charts/prepare-topic-mix";

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

/** Reference (held-out) vs current share per topic, one row per topic labelled by its distinctive terms. */
export function TopicMixChart({ topics }: { topics: TopicBar[] }) {
  return (
    <ResponsiveContainer width="100%" height={Math.max(160, 36 * topics.length + 60)}>
      <BarChart data={topics} layout="vertical" margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
        <CartesianGrid stroke="var(--border)" horizontal={false} />
        <XAxis type="number" {...axis} tickFormatter={pct} domain={[0, "auto"]} />
        <YAxis type="category" dataKey="label" {...axis} width={180} />
        <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === "number" ? pct(v) : String(v))} />
        <Legend />
        <Bar dataKey="reference" name="Reference share" fill="#6aa9ff" isAnimationActive={false} />
        <Bar dataKey="current" name="Current share" fill="#f97316" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
