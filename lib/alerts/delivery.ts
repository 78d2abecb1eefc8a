import { createHmac, timingSafeEqual } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { DatabaseHandle } from "@/db/client";
import { guardedLookup, privateWebhooksAllowed, webhookTargetProblem } from "@/lib/net/address-guard";

export const SIGNATURE_HEADER = "X-Driftline-Signature";
export const TIMESTAMP_HEADER = "X-Driftline-Timestamp";

/**
 * Signature of a generic webhook: `sha256=` + hex HMAC-SHA256 with the
 * channel's secret over `<timestamp>.<body>` (the Unix-seconds timestamp of
 * the X-Driftline-Timestamp header, a dot, the raw body). Signing the
 * timestamp lets receivers reject replays older than a few minutes.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A Slack-compatible incoming-webhook message (mrkdwn text + a section block). */
export function slackMessage(payload: Record<string, unknown>, baseUrl?: string): Record<string, unknown> {
  const alert = payload.alert as { title?: string; summary?: string; state?: string } | undefined;
  const evidence = payload.evidence as { href?: string; windowStart?: string; windowEnd?: string } | undefined;
  const icon = alert?.state === "resolved" ? ":white_check_mark:" : ":rotating_light:";
  const link = evidence?.href ? `${baseUrl ?? ""}${evidence.href}` : "";
  const text = `${icon} *${alert?.title ?? "Driftline alert"}*\n${alert?.summary ?? ""}\nWindow ${evidence?.windowStart ?? "?"} – ${evidence?.windowEnd ?? "?"}${link ? `\n<${link}|Evidence>` : ""}`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** Delay after the n-th failed attempt: 30 s, 60 s, 120 s, … capped at one hour. */
export function deliveryBackoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export const MAX_DELIVERY_ATTEMPTS = 8;

type Claimed = { project_id: string; id: string; payload: Record<string, unknown>; attempts: number; event: string; kind: "webhook" | "slack"; url: string; secret: string | null };

/** Sends one notification; throws with the reason when the receiver did not take it. Returns whether a retry can help. */
async function send(d: Claimed, fetchImpl: typeof fetch | undefined, timeoutMs: number): Promise<void> {
  const body = JSON.stringify(d.kind === "slack" ? slackMessage(d.payload, process.env.NEXTAUTH_URL) : d.payload);
  const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "Driftline-Webhook/1" };
  if (d.kind === "webhook") {
    const ts = Math.floor(Date.now() / 1000);
    headers[TIMESTAMP_HEADER] = String(ts);
    headers["X-Driftline-Event"] = `alert.${d.event}`;
    headers["X-Driftline-Delivery"] = d.id;
    if (d.secret) headers[SIGNATURE_HEADER] = signWebhook(d.secret, ts, body);
  }
  // Checked again at every delivery: the channel may predate the rule, or its name may resolve elsewhere now.
  const problem = await webhookTargetProblem(d.url);
  if (problem) throw Object.assign(new Error(`target refused: url ${problem}`), { permanent: true });
  const response = fetchImpl
    ? await fetchImpl(d.url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: "error" })
    : await guardedPost(d.url, headers, body, timeoutMs);
  if (!response.ok) {
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw Object.assign(new Error(`HTTP ${response.status}`), { permanent });
  }
}

/**
 * POSTs with node:http(s) through a lookup that refuses internal addresses,
 * so the connection goes to the address that was checked; redirects are not
 * followed. The status is the answer: the body is not read. `timeoutMs`
 * bounds the whole call, so a receiver that trickles its answer cannot hold
 * up the deliveries behind it.
 */
function guardedPost(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ ok: boolean; status: number }> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) }, lookup: guardedLookup(privateWebhooksAllowed()) as never },
      (res) => {
        clearTimeout(deadline);
        const status = res.statusCode ?? 0;
        res.destroy();
        resolve({ ok: status >= 200 && status < 300, status });
      },
    );
    const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(body);
  });
}

/**
 * Delivers due notifications from the outbox: claims rows with
 * `FOR UPDATE SKIP LOCKED` and a lease, posts each (10 s timeout), and marks
 * it delivered, or schedules a retry with exponential backoff; a 4xx other
 * than 408/429, or the 8th failure, fails it for good.
 */
export async function deliverDueAlerts(
  handle: DatabaseHandle,
  options: { limit?: number; fetchImpl?: typeof fetch; timeoutMs?: number } = {},
): Promise<{ claimed: number; delivered: number; retried: number; failed: number }> {
  const claimed = await handle.query<Claimed>(
    `with due as (
       select project_id, id from alert_deliveries
        where delivered_at is null and failed_at is null and next_attempt_at <= now()
          and (locked_until is null or locked_until < now())
        order by next_attempt_at limit $1 for update skip locked)
     update alert_deliveries d set locked_until = now() + interval '2 minutes', attempts = d.attempts + 1
       from due, alert_channels c
      where d.project_id = due.project_id and d.id = due.id and c.project_id = d.project_id and c.id = d.channel_id
     returning d.project_id, d.id, d.payload, d.attempts, d.event, c.kind, c.url, c.secret`,
    [options.limit ?? 20],
  );
  const stats = { claimed: claimed.length, delivered: 0, retried: 0, failed: 0 };
  for (const d of claimed) {
    try {
      await send(d, options.fetchImpl, options.timeoutMs ?? 10_000);
      await handle.query("update alert_deliveries set delivered_at = now(), locked_until = null, last_error = null where project_id = $1 and id = $2", [d.project_id, d.id]);
      stats.delivered++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = (error as { permanent?: boolean }).permanent === true || d.attempts >= MAX_DELIVERY_ATTEMPTS;
      await handle.query(
        `update alert_deliveries set locked_until = null, last_error = $3,
            next_attempt_at = now() + make_interval(secs => $4::double precision), failed_at = case when $5 then now() else null end
          where project_id = $1 and id = $2`,
        [d.project_id, d.id, `attempt ${d.attempts}: ${message}`.slice(0, 1000), deliveryBackoffMs(d.attempts) / 1000, final],
      );
      if (final) stats.failed++;
      else stats.retried++;
    }
  }
  return stats;
}
