"use client";

import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import { axis, grid, tooltipStyle } from "@/components/charts/chart-theme";
import { type DriftSeries } from "@/lib/charts/monitor-labels";

const day = (t: number) => new Date(t).toISOString().slice(5, 10);
const fmt = (v: unknown) => (typeof v === "number" ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)) : "—");

/**
 * A monitor's main statistic per window with its threshold line, drift
 * verdicts as red markers and version changes as vertical annotations.
 * Clicking a window selects it.
 */
export function DriftSeriesChart(props: {
  series: DriftSeries;
  markers: Array<{ id: string; t: number; label: string }>;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { series } = props;
  const selected = series.points.find((p) => p.id === props.selectedId);
  return (
    <ResponsiveContainer width="100%" height={280}>
      <ComposedChart
        data={series.points}
        margin={{ top: 16, right: 16, left: 0, bottom: 0 }}
        onClick={(state) => {
          const index = Number((state as { activeTooltipIndex?: number | string | null } | null)?.activeTooltipIndex);
          const point = Number.isInteger(index) ? series.points[index] : undefined;
          if (point) props.onSelect(point.id);
        }}
      >
        <CartesianGrid {...grid} />
        <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={day} {...axis} minTickGap={24} />
        <YAxis yAxisId="v" {...axis} width={56} tickFormatter={fmt} domain={[0, "auto"]} />
        {series.secondaryLabel ? <YAxis yAxisId="s" orientation="right" {...axis} width={56} tickFormatter={fmt} domain={[0, "auto"]} /> : null}
        <Tooltip
          {...tooltipStyle}
          labelFormatter={(t) => `window ending ${new Date(Number(t)).toISOString().slice(0, 16).replace("T", " ")} UTC`}
          formatter={(v, n) => [fmt(v), String(n)]}
        />
        <Legend />
        <Line yAxisId="v" type="monotone" dataKey="value" name={series.valueLabel} stroke="var(--accent, #6aa9ff)" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
        {series.secondaryLabel ? (
          <Line yAxisId="s" type="monotone" dataKey="secondary" name={series.secondaryLabel} stroke="#b48cff" strokeDasharray="4 3" dot={false} isAnimationActive={false} />
        ) : null}
        <Scatter yAxisId="v" dataKey="drift" name="Drift verdict" fill="#ef4444" isAnimationActive={false} />
        {series.threshold !== null ? (
          <ReferenceLine yAxisId="v" y={series.threshold} stroke="#f59e0b" strokeDasharray="6 4" label={{ value: `threshold ${fmt(series.threshold)}`, fill: "#f59e0b", fontSize: 11, position: "insideTopLeft" }} />
        ) : null}
        {props.markers.map((m) => (
          <ReferenceLine key={m.id} yAxisId="v" x={m.t} stroke="#a3a3a3" strokeDasharray="2 2" label={{ value: m.label, fill: "var(--muted)", fontSize: 10, position: "insideTopRight" }} />
        ))}
        {selected ? <ReferenceLine yAxisId="v" x={selected.t} stroke="var(--text)" strokeOpacity={0.5} /> : null}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
