"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function RequestsChart({ data }: { data: Array<{ day: string; requests: number; errors: number }> }) {
  const rows = data.map((d) => ({ day: d.day.slice(5), ok: d.requests - d.errors, errors: d.errors }));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={rows} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
        <CartesianGrid stroke="#2a3441" vertical={false} />
        <XAxis dataKey="day" stroke="#8b98a8" fontSize={12} />
        <YAxis stroke="#8b98a8" fontSize={12} allowDecimals={false} />
        <Tooltip contentStyle={{ background: "#1d2530", border: "1px solid #2a3441" }} />
        <Legend />
        <Bar dataKey="ok" name="Succeeded" stackId="r" fill="#4cc2ff" />
        <Bar dataKey="errors" name="Errors" stackId="r" fill="#f85149" />
      </BarChart>
    </ResponsiveContainer>
  );
}
