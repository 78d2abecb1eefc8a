"use client";

import { useState } from "react";

export type FieldErrors = Record<string, string>;

/**
 * One JSON request to a session route, keeping its outcome: field errors
 * (`details[].path` → message) and the message, or the answer. Unlike the
 * settings forms it does not refresh the server-rendered page: the drift
 * widgets read react-query data, which the caller invalidates — a refresh
 * would re-hydrate an older server snapshot over a newer answer.
 */
export function useJsonMutation<T>() {
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);

  async function send(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<T | null | undefined> {
    setPending(true);
    setErrors({});
    setMessage(null);
    try {
      const response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json().catch(() => null)) as unknown;
      if (!response.ok) {
        const error = (json as { error?: { message?: string; details?: Array<{ path: string; message: string }> } } | null)?.error;
        setErrors(Object.fromEntries((error?.details ?? []).map((d) => [d.path, d.message])));
        setMessage(error?.message ?? `HTTP ${response.status}`);
        return null;
      }
      return json as T | undefined;
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
      return null;
    } finally {
      setPending(false);
    }
  }
  return { send, pending, errors, message };
}
