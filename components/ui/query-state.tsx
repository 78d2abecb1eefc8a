"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";

/** Skeleton while loading, an error with a retry, an empty state, or the content — the same four states for every widget. */
export function QueryState<T>(props: {
  query: UseQueryResult<T, Error>;
  skeleton?: ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  label: string;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <>{props.skeleton ?? <div className="skeleton tall" aria-busy="true" aria-label={`Loading ${props.label}`} />}</>;
  if (query.isError) {
    return (
      <div className="error-state" role="alert" data-testid="widget-error">
        Could not load {props.label}: {query.error.message}{" "}
        <button type="button" className="btn secondary small" onClick={() => void query.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  if (props.isEmpty?.(query.data)) return <div className="widget-empty">{props.empty ?? "Nothing in this period."}</div>;
  return <>{props.children(query.data)}</>;
}

/** fetch → JSON, throwing the API's error message (`{ error: { message } }`) on a non-2xx answer. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: "application/json", ...(init?.headers ?? {}) } });
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    const error = new Error(message) as Error & { status?: number; details?: Array<{ path: string; message: string }> };
    error.status = response.status;
    error.details = (body as { error?: { details?: Array<{ path: string; message: string }> } } | null)?.error?.details;
    throw error;
  }
  return body as T;
}
