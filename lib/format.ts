/** Display formatting shared by server and client components. */
export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-US", { notation: n >= 10_000 ? "compact" : "standard", maximumFractionDigits: 1 }).format(n);
}

export function formatUsd(n: number | null): string {
  if (n === null) return "—";
  const digits = n !== 0 && Math.abs(n) < 0.01 ? 5 : 2;
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: digits, minimumFractionDigits: 2 }).format(n);
}

export function formatMs(n: number | null): string {
  if (n === null) return "—";
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

export function formatPercent(n: number | null): string {
  return n === null ? "—" : `${(n * 100).toFixed(n < 0.1 ? 2 : 1)}%`;
}

/** Relative change from `previous` to `current`, or null when there is nothing to compare with. */
export function relativeChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}
