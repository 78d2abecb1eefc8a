"use client";

import { useRouter } from "next/navigation";
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { axis, tooltipStyle } from "@/components/charts/chart-theme";
import { type ProjectionPoint } from "@/lib/charts/prepare-projection";

/** Reference vs current window on the reference's first two principal components; a click opens the trace. */
export function ProjectionScatter(props: { project: string; reference: ProjectionPoint[]; current: ProjectionPoint[] }) {
  const router = useRouter();
  const open = (entry: unknown) => {
    const traceId = (entry as { payload?: { traceId?: unknown }; traceId?: unknown } | null)?.payload?.traceId ?? (entry as { traceId?: unknown } | null)?.traceId;
    if (typeof traceId === "string") router.push(`/p/${encodeURIComponent(props.project)}/traces/${traceId}`);
  };
  return (
    <ResponsiveContainer width="100%" height={320}>
      <ScatterChart margin={{ top: 8, right: 16, left: 0, bottom: 8 }}>
        <CartesianGrid stroke="var(--border)" />
        <XAxis type="number" dataKey="x" name="PC 1" {...axis} tickFormatter={(v: number) => v.toFixed(2)} />
        <YAxis type="number" dataKey="y" name="PC 2" {...axis} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
        <Tooltip {...tooltipStyle} cursor={{ strokeDasharray: "3 3" }} formatter={(v) => (typeof v === "number" ? v.toFixed(3) : String(v))} />
        <Legend />
        <Scatter name={`Reference (${props.reference.length})`} data={props.reference} fill="#6aa9ff" fillOpacity={0.55} onClick={open} cursor="pointer" isAnimationActive={false} />
        <Scatter name={`Current (${props.current.length})`} data={props.current} fill="#f97316" fillOpacity={0.7} onClick={open} cursor="pointer" isAnimationActive={false} />
      </ScatterChart>
    </ResponsiveContainer>
  );
}
