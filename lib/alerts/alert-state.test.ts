import { describe, expect, it } from "vitest";
import { nextAlertAction, type AlertSnapshot } from "./alert-state";

const settings = { resolveAfter: 2, cooldownSeconds: 3600 };
const at = new Date("2026-11-28T12:00:00Z");
const firing: AlertSnapshot = { state: "firing", latest: { id: "a", state: "firing", cleanStreak: 0, resolvedAt: null } };

describe("alert state", () => {
  it("opens on drift and notifies", () => {
    expect(nextAlertAction({ state: "ok", latest: null }, "drift", settings, at)).toEqual({ type: "open", notify: true });
  });
  it("de-duplicates drift while firing", () => {
    expect(nextAlertAction(firing, "drift", settings, at)).toEqual({ type: "repeat" });
  });
  it("resolves after resolveAfter clean windows", () => {
    expect(nextAlertAction(firing, "ok", settings, at)).toEqual({ type: "clean", alertId: "a" });
    const once = { ...firing, latest: { ...firing.latest!, cleanStreak: 1 } };
    expect(nextAlertAction(once, "ok", settings, at)).toEqual({ type: "resolve", alertId: "a", notify: true });
  });
  it("re-opens silently within the cool-down, opens anew after it", () => {
    const resolved = (minutesAgo: number): AlertSnapshot => ({
      state: "resolved",
      latest: { id: "a", state: "resolved", cleanStreak: 2, resolvedAt: new Date(at.getTime() - minutesAgo * 60_000) },
    });
    expect(nextAlertAction(resolved(10), "drift", settings, at)).toEqual({ type: "reopen", alertId: "a", notify: false });
    expect(nextAlertAction(resolved(120), "drift", settings, at)).toEqual({ type: "open", notify: true });
  });
  it("ignores windows without enough data", () => {
    expect(nextAlertAction(firing, "insufficient_data", settings, at)).toEqual({ type: "none" });
    expect(nextAlertAction({ state: "ok", latest: null }, "ok", settings, at)).toEqual({ type: "none" });
  });
});
