"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/format";
import type { OverviewChartRow } from "@/lib/charts/prepare-overview";
import { axis, grid, tooltipStyle } from "./chart-theme";

export function CostChart({ rows }: { rows: OverviewChartRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
        <CartesianGrid {...grid} />
        <XAxis dataKey="label" {...axis} minTickGap={24} />
        <YAxis {...axis} width={64} tickFormatter={(v: number) => `$${v < 1 ? v.toFixed(3) : v.toFixed(0)}`} />
        <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === "number" ? formatUsd(v) : String(v))} />
        <Bar dataKey="costUsd" name="Cost" fill="#f59e0b" />
      </BarChart>
    </ResponsiveContainer>
  );
}
