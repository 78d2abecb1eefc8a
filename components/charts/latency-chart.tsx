"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function LatencyChart({ data }: { data: Array<{ day: string; latencyP95Ms: number | null }> }) {
  const rows = data.map((d) => ({ day: d.day.slice(5), p95: d.latencyP95Ms === null ? null : Math.round(d.latencyP95Ms) }));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={rows} margin={{ top: 8, right: 8, left: -4, bottom: 0 }}>
        <CartesianGrid stroke="#2a3441" vertical={false} />
        <XAxis dataKey="day" stroke="#8b98a8" fontSize={12} />
        <YAxis stroke="#8b98a8" fontSize={12} width={56} tickFormatter={(v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`)} />
        <Tooltip contentStyle={{ background: "#1d2530", border: "1px solid #2a3441" }} />
        <Line type="monotone" dataKey="p95" name="p95 latency" stroke="#a78bfa" strokeWidth={2} dot={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
}
