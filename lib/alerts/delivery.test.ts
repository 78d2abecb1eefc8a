import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deliveryBackoffMs, signWebhook, slackMessage, verifyWebhook } from "./delivery";

describe("webhook signatures", () => {
  it("is sha256= HMAC-SHA256 of `<timestamp>.<body>`", () => {
    const body = JSON.stringify({ event: "alert.firing" });
    const expected = createHmac("sha256", "s3cret-s3cret-s3cret").update(`1764331200.${body}`).digest("hex");
    expect(signWebhook("s3cret-s3cret-s3cret", 1764331200, body)).toBe(`sha256=${expected}`);
    expect(verifyWebhook("s3cret-s3cret-s3cret", 1764331200, body, `sha256=${expected}`)).toBe(true);
    expect(verifyWebhook("s3cret-s3cret-s3cret", 1764331201, body, `sha256=${expected}`)).toBe(false);
    expect(verifyWebhook("other-secret-other", 1764331200, body, `sha256=${expected}`)).toBe(false);
  });
  it("backs off exponentially, capped at an hour", () => {
    expect([1, 2, 3].map(deliveryBackoffMs)).toEqual([30_000, 60_000, 120_000]);
    expect(deliveryBackoffMs(20)).toBe(3_600_000);
  });
  it("formats Slack messages with a link to the evidence", () => {
    const msg = slackMessage({ alert: { title: "t", summary: "s", state: "firing" }, evidence: { href: "/api/v1/monitors/x/results" } }, "https://d.example");
    expect(String(msg.text)).toContain("<https://d.example/api/v1/monitors/x/results|Evidence>");
  });
});
