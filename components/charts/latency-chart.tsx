"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OverviewChartRow } from "@/lib/charts/prepare-overview";
import { axis, grid, msTick, tooltipStyle } from "./chart-theme";

export function LatencyChart({ rows }: { rows: OverviewChartRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={rows} margin={{ top: 8, right: 8, left: -4, bottom: 0 }}>
        <CartesianGrid {...grid} />
        <XAxis dataKey="label" {...axis} minTickGap={24} />
        <YAxis {...axis} width={56} tickFormatter={msTick} />
        <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === "number" ? msTick(v) : String(v))} />
        <Legend />
        <Line type="monotone" dataKey="p50" name="p50" stroke="#4cc2ff" strokeWidth={2} dot={false} connectNulls />
        <Line type="monotone" dataKey="p95" name="p95" stroke="#a78bfa" strokeWidth={2} dot={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
}
