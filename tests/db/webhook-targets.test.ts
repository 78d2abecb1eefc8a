import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { alertChannels, alertDeliveries, projects } from "@/db/schema";
import { deliverDueAlerts } from "@/lib/alerts/delivery";
import { createAlertChannel } from "@/lib/services/alert-channels/create-alert-channel";
import { ValidationError } from "@/lib/errors";
import { dbTargets } from "./targets";

describe.each(dbTargets())("webhook targets on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let projectId: string;
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/trickle") {
      // Answers 200 at once, then sends its body one byte at a time, forever.
      res.writeHead(200, { "content-type": "text/plain" });
      const drip = setInterval(() => res.write("."), 200);
      res.on("close", () => clearInterval(drip));
      return;
    }
    if (req.url === "/silent") return; // never answers
    res.end();
  });
  let port = 0;

  beforeAll(async () => {
    delete process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS;
    handle = await target.open();
    const [project] = await handle.db.insert(projects).values({ slug: "hooks", name: "hooks" }).returning();
    projectId = project!.id;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    delete process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS;
    await new Promise((r) => server.close(r));
    await handle?.dispose();
  });

  const operator = () => ({ db: handle.db, actor: { kind: "operator" as const } });

  it("refuses internal targets at creation with the field path", async () => {
    for (const url of [`http://127.0.0.1:${port}/hook`, "http://localhost/hook", "http://169.254.169.254/latest", "http://[::1]/hook", "http://[::ffff:10.0.0.1]/hook"]) {
      const error = await createAlertChannel({ ctx: operator(), input: { projectId, name: "internal", kind: "webhook", url } }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual([{ path: "url", message: expect.stringMatching(/internal address/) }]);
    }
    const rows = await handle.db.select().from(alertChannels);
    expect(rows).toHaveLength(0);
  });

  it("checks again at delivery: a stored internal target is never contacted, unless the operator allows it", async () => {
    // A channel stored before the rule existed (or whose name now resolves inside).
    const [channel] = await handle.db
      .insert(alertChannels)
      .values({ projectId, name: "old", kind: "webhook", url: `http://localhost:${port}/old`, secret: "0123456789abcdef" })
      .returning();
    const [delivery] = await handle.db
      .insert(alertDeliveries)
      .values({ projectId, alertId: crypto.randomUUID(), channelId: channel!.id, event: "firing", payload: { event: "alert.firing" } })
      .returning();
    expect(await deliverDueAlerts(handle)).toMatchObject({ claimed: 1, delivered: 0, failed: 1 });
    expect(hits).toEqual([]);
    const [failed] = await handle.query<{ last_error: string; failed_at: Date | null }>("select last_error, failed_at from alert_deliveries where id = $1", [delivery!.id]);
    expect(failed!.failed_at).not.toBeNull();
    expect(failed!.last_error).toMatch(/target refused: url must not point to an internal address/);

    process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS = "1";
    const allowed = await createAlertChannel({ ctx: operator(), input: { projectId, name: "allowed", kind: "webhook", url: `http://localhost:${port}/allowed` } });
    await handle.db.insert(alertDeliveries).values({ projectId, alertId: crypto.randomUUID(), channelId: allowed.id, event: "firing", payload: { event: "alert.firing" } });
    expect(await deliverDueAlerts(handle)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(hits).toEqual(["/allowed"]);
  });

  it("takes the status as the answer and bounds the whole call, so a slow receiver holds up nothing", async () => {
    process.env.DRIFTLINE_ALLOW_PRIVATE_WEBHOOKS = "1";
    const trickle = await createAlertChannel({ ctx: operator(), input: { projectId, name: "trickle", kind: "webhook", url: `http://localhost:${port}/trickle` } });
    const silent = await createAlertChannel({ ctx: operator(), input: { projectId, name: "silent", kind: "webhook", url: `http://localhost:${port}/silent` } });
    await handle.db.insert(alertDeliveries).values([
      { projectId, alertId: crypto.randomUUID(), channelId: trickle.id, event: "firing", payload: { event: "alert.firing" } },
      { projectId, alertId: crypto.randomUUID(), channelId: silent.id, event: "firing", payload: { event: "alert.firing" } },
    ]);
    const started = Date.now();
    expect(await deliverDueAlerts(handle, { timeoutMs: 1_000 })).toMatchObject({ claimed: 2, delivered: 1, retried: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const [retried] = await handle.query<{ last_error: string }>(
      "select last_error from alert_deliveries where channel_id = $1",
      [silent.id],
    );
    expect(retried!.last_error).toMatch(/timed out after 1000 ms/);
  });
});
