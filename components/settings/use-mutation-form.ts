"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

export type FieldErrors = Record<string, string>;

/**
 * Sends one JSON request to a dashboard route and keeps its outcome: the
 * field errors (`details[].path` → message) and the overall message, or the
 * answer; refreshes the server-rendered page after a success.
 */
export function useMutationForm<T>() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);

  async function send(method: "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<T | null> {
    setPending(true);
    setErrors({});
    setMessage(null);
    try {
      const response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json().catch(() => null)) as
        | (T & { error?: undefined })
        | { error: { message: string; details?: Array<{ path: string; message: string }> } }
        | null;
      if (!response.ok || (json && "error" in json && json.error)) {
        const error = (json as { error?: { message: string; details?: Array<{ path: string; message: string }> } } | null)?.error;
        setErrors(Object.fromEntries((error?.details ?? []).map((d) => [d.path, d.message])));
        setMessage(error?.message ?? `HTTP ${response.status}`);
        return null;
      }
      router.refresh();
      return json as T;
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
      return null;
    } finally {
      setPending(false);
    }
  }
  return { send, pending, errors, message, setMessage };
}
