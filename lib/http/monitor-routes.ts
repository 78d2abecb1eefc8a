/**
 * The monitor, alert and version-change handlers both route trees call
 * (`/api/v1/…` and `/api/projects/[project]/…`): the route files only pick the
 * entry point (API key or session) and pass the ids from the path.
 */
import { NotFoundError } from "@/lib/errors";
import { listAlertChannels, listAlerts } from "@/lib/queries/monitors-alerts";
import { getOpenAlerts } from "@/lib/queries/open-alerts";
import { getMonitor } from "@/lib/queries/monitors";
import { getMonitorResult, listMonitorResults } from "@/lib/queries/monitors-results";
import { getVersionChange, listVersionChanges } from "@/lib/queries/monitors-version-changes";
import { regressionExamples } from "@/lib/queries/regression-examples";
import { createAlertChannel } from "@/lib/services/alert-channels/create-alert-channel";
import { createMonitor } from "@/lib/services/monitors/create-monitor";
import { deleteMonitor } from "@/lib/services/monitors/delete-monitor";
import { updateMonitor } from "@/lib/services/monitors/update-monitor";
import { listMonitors } from "@/lib/queries/monitors";
import { parseAlertParams, parseResultParams, parseVersionChangeParams } from "./query-params";
import { readJsonObject } from "./read-body";
import type { RouteContext } from "./route-context";

/** The project's monitors with their state and latest result. */
export async function listMonitorsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listMonitors(ctx.db, ctx.projectId) });
}

/** 201 with `Location`; engineers, admins and API keys (403 for viewers, 422 with field paths on bad input). */
export async function createMonitorRoute(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request);
  // The project comes from the route, never from the body.
  const monitor = await createMonitor({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId } });
  return Response.json(monitor, { status: 201, headers: { Location: `${ctx.base}/monitors/${monitor.id}` } });
}

export async function getMonitorRoute(_request: Request, ctx: RouteContext, monitorId: string): Promise<Response> {
  const monitor = await getMonitor(ctx.db, ctx.projectId, monitorId);
  if (!monitor) throw new NotFoundError("Monitor");
  return Response.json(monitor);
}

/**
 * Pause/resume, rename, reschedule or change settings. The body goes to the
 * service whole: its schema takes the fields it knows and drops the rest;
 * the project and the monitor come from the route. An unknown monitor is 404
 * before its body is judged.
 */
export async function updateMonitorRoute(request: Request, ctx: RouteContext, monitorId: string): Promise<Response> {
  const body = await readJsonObject(request);
  if (!(await getMonitor(ctx.db, ctx.projectId, monitorId))) throw new NotFoundError("Monitor");
  return Response.json(await updateMonitor({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId, monitorId } }));
}

export async function deleteMonitorRoute(_request: Request, ctx: RouteContext, monitorId: string): Promise<Response> {
  await deleteMonitor({ ctx: ctx.service, input: { projectId: ctx.projectId, monitorId } });
  return new Response(null, { status: 204 });
}

/** The monitor's series: `?from&to` (window end), `limit` (latest N), `artefacts=0` to leave chart data out. */
export async function listMonitorResultsRoute(_request: Request, ctx: RouteContext, monitorId: string): Promise<Response> {
  const filter = parseResultParams(ctx.url.searchParams);
  if (!(await getMonitor(ctx.db, ctx.projectId, monitorId))) throw new NotFoundError("Monitor");
  return Response.json({ data: await listMonitorResults(ctx.db, ctx.projectId, monitorId, filter) });
}

/** One window with its artefacts (projection, topics, emerging topics, comparisons). */
export async function getMonitorResultRoute(_request: Request, ctx: RouteContext, monitorId: string, resultId: string): Promise<Response> {
  const result = await getMonitorResult(ctx.db, ctx.projectId, resultId);
  if (!result || result.monitorId !== monitorId) throw new NotFoundError("Monitor result");
  return Response.json(result);
}

/** Alerts, firing first: `?state=firing|resolved&monitorId&limit`; each links to its evidence. */
export async function listAlertsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listAlerts(ctx.db, ctx.projectId, parseAlertParams(ctx.url.searchParams)) });
}

/** How many monitors are firing, and which (the overview's figure). */
export async function openAlertsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json(await getOpenAlerts(ctx.db, ctx.projectId));
}

export async function listAlertChannelsRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listAlertChannels(ctx.db, ctx.projectId) });
}

/** `{ name, kind: "webhook" | "slack", url, secret? }` → 201 with the channel and the webhook's signing secret (shown once). */
export async function createAlertChannelRoute(request: Request, ctx: RouteContext): Promise<Response> {
  const body = await readJsonObject(request);
  const channel = await createAlertChannel({ ctx: ctx.service, input: { ...body, projectId: ctx.projectId } });
  return Response.json(channel, { status: 201 });
}

/** Detected model-version switches, newest first: `?provider&model&status&limit`. */
export async function listVersionChangesRoute(_request: Request, ctx: RouteContext): Promise<Response> {
  return Response.json({ data: await listVersionChanges(ctx.db, ctx.projectId, parseVersionChangeParams(ctx.url.searchParams)) });
}

export async function getVersionChangeRoute(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  const change = await getVersionChange(ctx.db, ctx.projectId, id);
  if (!change) throw new NotFoundError("Version change");
  return Response.json(change);
}

/** The prompt pairs whose answers moved the most across the change (bounded; the rule is in the answer). */
export async function versionChangeExamplesRoute(_request: Request, ctx: RouteContext, id: string): Promise<Response> {
  const change = await getVersionChange(ctx.db, ctx.projectId, id);
  if (!change) throw new NotFoundError("Version change");
  return Response.json(await regressionExamples(ctx.handle, ctx.projectId, change));
}
