"use client";

import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import { colorFor } from "@/lib/charts/palette";
import { formatUsd } from "@/lib/format";
import { axis, tooltipStyle } from "./chart-theme";

type Point = { name: string; model: string; x: number; y: number; z: number };

/** Average score (y) against cost per request (x) per model/route; bubble area is traffic. */
export function QualityCostScatter({ points, models, scoreName }: { points: Point[]; models: string[]; scoreName: string }) {
  return (
    <ResponsiveContainer width="100%" height={280}>
      <ScatterChart margin={{ top: 8, right: 16, left: 0, bottom: 8 }}>
        <CartesianGrid stroke="var(--border)" />
        <XAxis type="number" dataKey="x" name="Cost per request" {...axis} tickFormatter={(v: number) => formatUsd(v)} />
        <YAxis type="number" dataKey="y" name={scoreName} {...axis} width={56} domain={["auto", "auto"]} />
        <ZAxis type="number" dataKey="z" range={[60, 600]} name="Requests" />
        <Tooltip
          {...tooltipStyle}
          formatter={(v, n) => (n === "Cost per request" && typeof v === "number" ? formatUsd(v) : typeof v === "number" ? v.toFixed(3) : String(v))}
          labelFormatter={() => ""}
        />
        {points.map((p) => (
          <Scatter key={p.name} name={p.name} data={[p]} fill={colorFor(models, p.model)} />
        ))}
      </ScatterChart>
    </ResponsiveContainer>
  );
}
