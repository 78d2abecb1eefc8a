"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { PERIOD_PRESETS, type PeriodSelection } from "@/lib/period";

/** Today (or `offset` days from today) as a UTC day. */
function utcDay(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** 24 h / 7 d / 30 d / custom UTC days; the choice lives in the URL so it can be shared and bookmarked. */
export function PeriodPicker({ selection }: { selection: PeriodSelection }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const router = useRouter();
  const [open, setOpen] = useState(selection.range === "custom");
  const [from, setFrom] = useState(() => (selection.range === "custom" ? selection.from : utcDay(-6)));
  const [to, setTo] = useState(() => (selection.range === "custom" ? selection.to : utcDay(0)));

  const hrefFor = (extra: Record<string, string>) => {
    const next = new URLSearchParams(params.toString());
    for (const k of ["range", "from", "to", "cursor"]) next.delete(k);
    for (const [k, v] of Object.entries(extra)) next.set(k, v);
    return `${pathname}?${next.toString()}`;
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (from && to && from <= to) router.push(hrefFor({ range: "custom", from, to }));
  };
  return (
    <div className="toolbar">
      <nav className="segmented" aria-label="Period">
        {PERIOD_PRESETS.map((p) => (
          <Link key={p.id} href={hrefFor({ range: p.id })} aria-current={selection.range === p.id ? "true" : undefined}>
            {p.label}
          </Link>
        ))}
        <button type="button" aria-pressed={selection.range === "custom"} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          Custom
        </button>
      </nav>
      {open ? (
        <form className="toolbar" onSubmit={apply} aria-label="Custom period">
          <label className="tz-note">
            From (UTC){" "}
            <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} aria-label="From date (UTC)" />
          </label>
          <label className="tz-note">
            To (UTC){" "}
            <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} aria-label="To date (UTC), inclusive" />
          </label>
          <button className="btn small" type="submit" disabled={!from || !to || from > to}>
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
