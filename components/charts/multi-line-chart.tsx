"use client";

import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { colorFor } from "@/lib/charts/palette";
import { axis, grid, tooltipStyle } from "./chart-theme";

/** One line per key over time (or stacked areas for shares that add to 1). */
export function MultiLineChart(props: {
  rows: Array<Record<string, string | number | null>>;
  keys: string[];
  format: (v: number) => string;
  stacked?: boolean;
  /** Rates: the axis starts at 0 and stays readable when every value is 0. */
  zeroBased?: boolean;
  height?: number;
}) {
  const name = (k: string) => (k === "" ? "(none)" : k);
  const common = (
    <>
      <CartesianGrid {...grid} />
      <XAxis dataKey="label" {...axis} minTickGap={24} />
      <YAxis {...axis} width={64} tickFormatter={props.format} domain={props.stacked ? [0, 1] : props.zeroBased ? [0, (max: number) => (max > 0 ? max : 0.01)] : ["auto", "auto"]} />
      <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === "number" ? props.format(v) : String(v ?? "—"))} />
      <Legend />
    </>
  );
  return (
    <ResponsiveContainer width="100%" height={props.height ?? 260}>
      {props.stacked ? (
        <AreaChart data={props.rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          {common}
          {props.keys.map((k) => (
            <Area key={k} type="monotone" dataKey={k} name={name(k)} stackId="s" stroke={colorFor(props.keys, k)} fill={colorFor(props.keys, k)} fillOpacity={0.35} />
          ))}
        </AreaChart>
      ) : (
        <LineChart data={props.rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          {common}
          {props.keys.map((k) => (
            <Line key={k} type="monotone" dataKey={k} name={name(k)} stroke={colorFor(props.keys, k)} strokeWidth={2} dot={false} connectNulls />
          ))}
        </LineChart>
      )}
    </ResponsiveContainer>
  );
}
