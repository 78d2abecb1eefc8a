import { z } from "zod";
import { EVALUATOR_KINDS, parseEvaluatorSettings, type EvaluatorKind, type EvaluatorSettings } from "@/lib/evals/evaluator";
import { SegmentSchema } from "@/db/monitor-config";
import { ValidationError } from "@/lib/errors";

const Name = z
  .string()
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _\-:/]*$/, "may hold letters, digits, spaces and _ - : / (it prefixes the score names)");
const SampleRate = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const Threshold = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");

export const CreateEvaluatorInput = z.strictObject({
  projectId: z.uuid(),
  name: Name,
  kind: z.enum(EVALUATOR_KINDS, { message: `must be one of ${EVALUATOR_KINDS.join(", ")}` }),
  settings: z.record(z.string(), z.unknown()).default({}),
  segment: SegmentSchema.default({}),
  sampleRate: SampleRate.default(1),
  datasetId: z.uuid({ message: "is not a dataset id" }).nullish(),
  threshold: Threshold.nullish(),
  paused: z.boolean().default(false),
});

export const UpdateEvaluatorInput = z.strictObject({
  projectId: z.uuid(),
  evaluatorId: z.uuid({ message: "is not an evaluator id" }),
  name: Name.optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  segment: SegmentSchema.optional(),
  sampleRate: SampleRate.optional(),
  datasetId: z.uuid({ message: "is not a dataset id" }).nullish(),
  threshold: Threshold.nullish(),
  paused: z.boolean().optional(),
});

const issuesOf = (error: z.ZodError) => error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));

/** Parses a create request, the kind's settings included, reporting every bad field with its path at once. */
export function parseCreateEvaluator(input: unknown): z.output<typeof CreateEvaluatorInput> & { parsedSettings: EvaluatorSettings } {
  const parsed = CreateEvaluatorInput.safeParse(input);
  const details = parsed.success ? [] : issuesOf(parsed.error);
  const raw = (input ?? {}) as { kind?: unknown; settings?: unknown };
  let parsedSettings: EvaluatorSettings | null = null;
  if (EVALUATOR_KINDS.includes(raw.kind as EvaluatorKind) && !details.some((d) => d.path === "settings")) {
    const settings = parseEvaluatorSettings(raw.kind as EvaluatorKind, raw.settings);
    if (settings.ok) parsedSettings = settings.settings;
    else details.push(...settings.issues);
  }
  if (!parsed.success || !parsedSettings || details.length > 0) throw new ValidationError(details);
  return { ...parsed.data, parsedSettings };
}

export function parseUpdateEvaluator(input: unknown, kind: EvaluatorKind): z.output<typeof UpdateEvaluatorInput> & { parsedSettings?: EvaluatorSettings } {
  const parsed = UpdateEvaluatorInput.safeParse(input);
  const details = parsed.success ? [] : issuesOf(parsed.error);
  const raw = (input ?? {}) as { settings?: unknown };
  let parsedSettings: EvaluatorSettings | undefined;
  if (raw.settings !== undefined && !details.some((d) => d.path === "settings")) {
    const settings = parseEvaluatorSettings(kind, raw.settings);
    if (settings.ok) parsedSettings = settings.settings;
    else details.push(...settings.issues);
  }
  if (!parsed.success || details.length > 0) throw new ValidationError(details);
  return { ...parsed.data, parsedSettings };
}
