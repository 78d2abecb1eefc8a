import { relativeChange } from "@/lib/format";

export function KpiCard(props: {
  label: string;
  value: string;
  current: number | null;
  previous: number | null;
  /** Whether a rise is good news (requests) or bad news (latency, cost, errors). */
  higherIsBetter: boolean;
}) {
  const change = relativeChange(props.current, props.previous);
  let trend = <span className="trend muted">no earlier data</span>;
  if (change !== null) {
    const up = change >= 0;
    const good = up === props.higherIsBetter;
    trend = (
      <span className={`trend ${up ? "up" : "down"}-${good ? "good" : "bad"}`}>
        {up ? "▲" : "▼"} {Math.abs(change * 100).toFixed(1)}% vs previous period
      </span>
    );
  }
  return (
    <div className="card" data-testid={`kpi-${props.label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
      {trend}
    </div>
  );
}
