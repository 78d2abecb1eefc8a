import type { KpiCardData } from "@/lib/charts/prepare-overview";

export function KpiCard({ card }: { card: KpiCardData }) {
  let trend = <span className="trend muted">no earlier data</span>;
  if (card.change !== null) {
    const up = card.change >= 0;
    const cls = card.good === null ? "muted" : `${up ? "up" : "down"}-${card.good ? "good" : "bad"}`;
    trend = (
      <span className={`trend ${cls}`}>
        {card.change === 0 ? "=" : up ? "▲" : "▼"} {Math.abs(card.change * 100).toFixed(1)}% vs previous period
      </span>
    );
  }
  return (
    <div className="card" data-testid={`kpi-${card.id}`}>
      <div className="kpi-label">{card.label}</div>
      <div className="kpi-value">{card.value}</div>
      {trend}
      {card.hint ? <div className="tz-note">{card.hint}</div> : null}
    </div>
  );
}
