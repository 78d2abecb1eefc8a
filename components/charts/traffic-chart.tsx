"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { OverviewChartRow } from "@/lib/charts/prepare-overview";
import { axis, grid, tooltipStyle } from "./chart-theme";

export function TrafficChart({ rows }: { rows: OverviewChartRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={rows} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
        <CartesianGrid {...grid} />
        <XAxis dataKey="label" {...axis} minTickGap={24} />
        <YAxis {...axis} allowDecimals={false} />
        <Tooltip {...tooltipStyle} />
        <Legend />
        <Bar dataKey="ok" name="Succeeded" stackId="r" fill="#4cc2ff" />
        <Bar dataKey="errors" name="Errors" stackId="r" fill="#f85149" />
      </BarChart>
    </ResponsiveContainer>
  );
}
