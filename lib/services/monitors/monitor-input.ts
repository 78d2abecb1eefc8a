import { z } from "zod";
import type { MonitorKind } from "@/db/schema";
import { ReferenceSchema, SegmentSchema, ThresholdSchemas } from "@/db/monitor-config";
import { CronError, parseCron } from "@/lib/monitors/cron";
import { parseDuration } from "@/lib/duration";
import { ValidationError } from "@/lib/errors";

export const MONITOR_KINDS = ["embedding_drift", "topic_drift", "concept_drift", "version_regression", "metric"] as const;

const MIN_WINDOW = 300;
const MAX_WINDOW = 90 * 86_400;

const Window = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = typeof value === "number" ? value : parseDuration(value);
  if (seconds === null || !Number.isInteger(seconds)) {
    ctx.addIssue({ code: "custom", message: 'must be a duration such as "30m", "24h", "7d" or a whole number of seconds' });
    return z.NEVER;
  }
  if (seconds < MIN_WINDOW || seconds > MAX_WINDOW) {
    ctx.addIssue({ code: "custom", message: "must be between 5 minutes and 90 days" });
    return z.NEVER;
  }
  return seconds;
});

const Schedule = z
  .string()
  .max(200)
  .superRefine((value, ctx) => {
    try {
      parseCron(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof CronError ? error.message : "is not a cron expression" });
    }
  });

const Thresholds = z.record(z.string(), z.unknown());

/** Problems of a kind's settings, with paths under `thresholds`. */
export function thresholdIssues(kind: MonitorKind, thresholds: Record<string, unknown> | undefined): Array<{ path: string[]; message: string }> {
  if (!thresholds) return [];
  const issues: Array<{ path: string[]; message: string }> = [];
  const result = ThresholdSchemas[kind].safeParse(thresholds);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push({ message: issue.message, path: ["thresholds", ...issue.path.map(String)] });
  }
  if (kind === "metric" && thresholds.detector === "threshold" && thresholds.min === undefined && thresholds.max === undefined) {
    issues.push({ message: "the threshold detector needs `min` or `max`", path: ["thresholds", "max"] });
  }
  if (kind === "metric" && thresholds.metric === "score" && !thresholds.score) {
    issues.push({ message: 'is required when metric is "score"', path: ["thresholds", "score"] });
  }
  return issues;
}

export const CreateMonitorInput = z
  .object({
    projectId: z.uuid(),
    name: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
    kind: z.enum(MONITOR_KINDS, { message: `must be one of ${MONITOR_KINDS.join(", ")}` }),
    segment: SegmentSchema.default({}),
    reference: ReferenceSchema.default({ type: "preceding" }),
    window: Window.default(86_400),
    schedule: Schedule.default("0 * * * *"),
    thresholds: Thresholds.default({}),
    paused: z.boolean().default(false),
    channelIds: z.array(z.uuid()).max(20).default([]),
  })
  .superRefine((input, ctx) => {
    for (const issue of thresholdIssues(input.kind, input.thresholds)) ctx.addIssue({ code: "custom", ...issue });
  });

/**
 * Parses a create request. zod skips an object's refinements when a field
 * already failed, so the kind's settings are checked here as well: the
 * caller hears about every bad field at once.
 */
export function parseCreateMonitor(input: unknown): z.output<typeof CreateMonitorInput> {
  const parsed = CreateMonitorInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const raw = (input ?? {}) as { kind?: unknown; thresholds?: unknown };
  if (MONITOR_KINDS.includes(raw.kind as MonitorKind) && raw.thresholds && typeof raw.thresholds === "object" && !details.some((d) => d.path.startsWith("thresholds"))) {
    for (const issue of thresholdIssues(raw.kind as MonitorKind, raw.thresholds as Record<string, unknown>)) {
      details.push({ path: issue.path.join("."), message: issue.message });
    }
  }
  throw new ValidationError(details);
}

export const UpdateMonitorInput = z.object({
  projectId: z.uuid(),
  monitorId: z.uuid({ message: "is not a monitor id" }),
  name: z.string().trim().min(1, "is required").max(200).optional(),
  paused: z.boolean().optional(),
  schedule: Schedule.optional(),
  /** Merged into the stored settings; a key set to null goes back to its default. */
  thresholds: z.record(z.string(), z.unknown()).optional(),
  channelIds: z.array(z.uuid()).max(20).optional(),
});

/** zod issues → the one ValidationError (422) with field paths. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
  }
  return parsed.data;
}

