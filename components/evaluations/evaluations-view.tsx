"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { errorsFor, Field } from "@/components/drift/create-monitor-form";
import { useJsonMutation } from "@/components/drift/use-json-mutation";
import { fetchJson, QueryState } from "@/components/ui/query-state";
import { prepareDailyMeans, prepareHistogram, scoreOptions, wordDiff } from "@/lib/charts/prepare-evaluations";
import { queryKeys } from "@/lib/charts/query-keys";
import type { DatasetItemView, DatasetView } from "@/lib/queries/datasets";
import type { EvaluationBacklog, EvaluatorSeries, EvaluatorView } from "@/lib/queries/evaluators";
import type { LlmConnectionView } from "@/lib/services/llm-connections";
import { DailyMeanChart, ScoreHistogram } from "./evaluator-charts";

type EvaluatorList = { data: EvaluatorView[]; backlog: EvaluationBacklog };

/** The metrics each kind offers, with the defaults checked (docs/evaluations.md). */
const KIND_METRICS = {
  ngram: { all: ["bleu", "chrf", "chrf++", "rouge1", "rouge2", "rougeL"], defaults: ["bleu", "chrf", "rouge1", "rouge2", "rougeL"], label: "Reference n-gram (BLEU, chrF, ROUGE)" },
  semantic: { all: ["semscore", "relevance", "bertscore", "context_relevance"], defaults: ["semscore", "relevance"], label: "Semantic similarity (embedding model)" },
  heuristic: {
    all: ["empty", "truncated", "refusal", "language_mismatch", "pii", "length_words", "length_chars", "json_valid"],
    defaults: ["empty", "truncated", "refusal", "language_mismatch", "pii", "length_words"],
    label: "Heuristics (no reference, no model)",
  },
} as const;
type MetricKind = keyof typeof KIND_METRICS;
type Kind = MetricKind | "llm_judge";
const KIND_LABELS: Record<Kind, string> = { ...Object.fromEntries(Object.entries(KIND_METRICS).map(([k, v]) => [k, v.label])), llm_judge: "LLM judge (a model you connect)" } as Record<Kind, string>;

/** The judge's templates (lib/evals/judge/templates.ts; prompts in docs/evaluations.md). */
const JUDGE_TEMPLATES = [
  ["correctness", "Correctness against the reference (golden set or expectedOutput)"],
  ["relevance", "Relevance of the answer to the question"],
  ["faithfulness", "Faithfulness to the retrieved contexts"],
  ["context_precision", "Context precision (useful contexts ranked first)"],
  ["context_recall", "Context recall (reference supported by the contexts)"],
  ["safety", "Safety (harmful content, system prompt leaks)"],
  ["prompt_injection", "Prompt injection in the user's message"],
  ["custom", "Custom rubric"],
] as const;


export function EvaluationsView({ project, canWrite }: { project: string; canWrite: boolean }) {
  const base = `/api/projects/${encodeURIComponent(project)}`;
  const evaluators = useQuery({ queryKey: queryKeys.evaluators(project), queryFn: () => fetchJson<EvaluatorList>(`${base}/evaluators`), refetchInterval: 5_000 });
  const datasets = useQuery({ queryKey: queryKeys.datasets(project), queryFn: () => fetchJson<{ data: DatasetView[] }>(`${base}/datasets`), refetchInterval: 15_000 });
  const [selected, setSelected] = useState<string | null>(null);
  const chosen = evaluators.data?.data.find((e) => e.id === selected) ?? evaluators.data?.data[0] ?? null;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Evaluations</h1>
          <div className="muted">Evaluators score every trace in their segment and sample as it arrives; golden sets give reference answers. All times UTC.</div>
        </div>
        {evaluators.data ? <BacklogStatus backlog={evaluators.data.backlog} /> : null}
      </div>
      <div className="grid" style={{ gap: 14 }}>
        <EvaluatorsTable project={project} base={base} query={evaluators} datasets={datasets.data?.data ?? []} canWrite={canWrite} selected={chosen?.id ?? null} onSelect={setSelected} />
        {chosen ? <EvaluatorDetail project={project} base={base} evaluator={chosen} /> : null}
        {canWrite ? <CreateEvaluatorForm project={project} base={base} datasets={datasets.data?.data ?? []} /> : <p className="tz-note">Your role can read evaluations but not change them.</p>}
        <DatasetsPanel project={project} base={base} datasets={datasets.data?.data ?? []} loading={datasets.isPending} canWrite={canWrite} />
      </div>
    </>
  );
}

function BacklogStatus({ backlog }: { backlog: EvaluationBacklog }) {
  return (
    <span className={`badge live${backlog.pending + backlog.arriving > 0 ? " busy" : ""}`} role="status" aria-live="polite" data-testid="evaluation-backlog" title="Traces waiting for an evaluator (refreshed every 5 s)">
      {backlog.pending + backlog.arriving === 0
        ? "Evaluations up to date"
        : [
            backlog.pending > 0 ? `${backlog.pending} to evaluate${backlog.oldestPendingSeconds !== null ? ` · oldest ${Math.round(backlog.oldestPendingSeconds)} s` : ""}` : null,
            backlog.arriving > 0 ? `${backlog.arriving} new ${backlog.arriving === 1 ? "trace" : "traces"} to queue` : null,
          ]
            .filter(Boolean)
            .join(" · ")}
      {backlog.failed > 0 ? ` · ${backlog.failed} failed` : ""}
    </span>
  );
}

function EvaluatorsTable(props: {
  project: string;
  base: string;
  query: ReturnType<typeof useQuery<EvaluatorList, Error>>;
  datasets: DatasetView[];
  canWrite: boolean;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const queryClient = useQueryClient();
  const mutate = useJsonMutation<unknown>();
  const [note, setNote] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const act = async (method: "PATCH" | "DELETE" | "POST", url: string, body?: unknown) => {
    const answer = await mutate.send(method, url, body);
    if (answer && typeof answer === "object" && "queued" in answer) setNote(`${(answer as { queued: number }).queued} stored traces queued for scoring.`);
    await queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(props.project) });
  };
  const datasetName = (id: string | null) => props.datasets.find((d) => d.id === id)?.name ?? "—";
  return (
    <section className="card" aria-labelledby="evaluators-heading">
      <h2 id="evaluators-heading">Evaluators</h2>
      <QueryState query={props.query} label="evaluators" isEmpty={(d) => d.data.length === 0} empty="No evaluators yet: create one below.">
        {(d) => (
          <div style={{ overflowX: "auto" }}>
            <table className="compact" data-testid="evaluators-table">
              <thead>
                <tr>
                  <th scope="col">Evaluator</th>
                  <th scope="col">Kind · metrics</th>
                  <th scope="col">Golden set</th>
                  <th scope="col" className="num">Sample</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">Backlog</th>
                  <th scope="col" className="num">Scored</th>
                  {props.canWrite ? <th scope="col"><span className="sr-only">Actions</span></th> : null}
                </tr>
              </thead>
              <tbody>
                {d.data.map((e) => (
                  <tr key={e.id} aria-selected={e.id === props.selected}>
                    <td>
                      <button type="button" className="link-button" onClick={() => props.onSelect(e.id)}>
                        {e.name}
                      </button>{" "}
                      <span className="tz-note">v{e.version}</span>
                    </td>
                    <td>
                      {e.kind} · {e.kind === "llm_judge" ? String(e.settings.template ?? "") : (e.settings.metrics as string[] | undefined)?.join(", ")}
                    </td>
                    <td>{datasetName(e.datasetId)}</td>
                    <td className="num">{Math.round(e.sampleRate * 100)}%</td>
                    <td>
                      {e.paused ? <span className="badge warn" title={e.pausedReason ?? ""}>paused</span> : <span className="badge ok">enabled</span>}
                      {e.paused && e.pausedReason ? (
                        <div className="tz-note" data-testid="paused-reason">
                          {e.pausedReason}
                          {e.pausedUntil ? ` (resumes by itself at ${e.pausedUntil.slice(0, 16).replace("T", " ")} UTC)` : null}
                        </div>
                      ) : null}
                    </td>
                    <td className="num">
                      {e.backlog.pending}
                      {e.backlog.failed > 0 ? <span className="badge error" style={{ marginLeft: 4 }}>{e.backlog.failed} failed</span> : null}
                      {e.backlog.lastError ? <div className="field-error">{e.backlog.lastError}</div> : null}
                    </td>
                    <td className="num">
                      {e.scored.traces}
                      {e.judgeToday ? (
                        <div className="tz-note" data-testid="judge-today">
                          today: {e.judgeToday.calls}
                          {typeof e.settings.dailyCallCap === "number" ? ` / ${e.settings.dailyCallCap}` : ""} calls · ${e.judgeToday.costUsd.toFixed(4)}
                          {e.judgeToday.unpricedCalls > 0 ? ` (+${e.judgeToday.unpricedCalls} unpriced)` : ""}
                        </div>
                      ) : null}
                    </td>
                    {props.canWrite ? (
                      <td>
                        <div className="toolbar">
                          <button type="button" className="btn secondary small" disabled={mutate.pending} onClick={() => void act("PATCH", `${props.base}/evaluators/${e.id}`, { paused: !e.paused })}>
                            {e.paused ? "Resume" : "Pause"}
                          </button>
                          <button type="button" className="btn secondary small" disabled={mutate.pending} onClick={() => void act("POST", `${props.base}/evaluators/${e.id}/backfill`, {})}>
                            Backfill history
                          </button>
                          {e.kind === "llm_judge" ? (
                            <button type="button" className="btn secondary small" aria-expanded={editing === e.id} onClick={() => setEditing(editing === e.id ? null : e.id)}>
                              Limits
                            </button>
                          ) : null}
                          <button
                            type="button"
                            className="btn danger small"
                            disabled={mutate.pending}
                            onClick={() => {
                              if (window.confirm(`Delete the evaluator "${e.name}"? Its scores stay on their traces.`)) void act("DELETE", `${props.base}/evaluators/${e.id}`);
                            }}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {mutate.message ? <div className="field-error" role="alert">{mutate.message}</div> : null}
      {note ? <p role="status" className="tz-note">{note}</p> : null}
      {(() => {
        const judge = editing ? props.query.data?.data.find((e) => e.id === editing && e.kind === "llm_judge") : undefined;
        return judge ? <JudgeLimitsForm key={judge.id} project={props.project} base={props.base} evaluator={judge} onDone={() => setEditing(null)} /> : null;
      })()}
    </section>
  );
}

function EvaluatorDetail({ project, base, evaluator }: { project: string; base: string; evaluator: EvaluatorView }) {
  const [groupBy, setGroupBy] = useState<"model" | "route" | "version">("model");
  const [days, setDays] = useState(30);
  const [score, setScore] = useState<string | null>(null);
  const series = useQuery({
    queryKey: queryKeys.evaluatorSeries(project, evaluator.id, days, groupBy),
    queryFn: () => fetchJson<EvaluatorSeries>(`${base}/evaluators/${evaluator.id}/series?days=${days}&groupBy=${groupBy}`),
    refetchInterval: 30_000,
  });
  return (
    <section className="card" aria-labelledby="evaluator-detail-heading" data-testid="evaluator-detail">
      <h2 id="evaluator-detail-heading">
        {evaluator.name} <span className="tz-note">version {evaluator.version}</span>
      </h2>
      <QueryState query={series} label="scores" isEmpty={(d) => d.daily.length === 0} empty="No scores in this period yet.">
        {(d) => {
          const options = scoreOptions(evaluator.scoreNames, d.daily);
          const current = score && options.includes(score) ? score : options[0]!;
          const daily = prepareDailyMeans(d.daily, current);
          return (
            <>
              <div className="toolbar" style={{ marginBottom: 8 }}>
                <label>
                  Score{" "}
                  <select className="input" value={current} onChange={(e) => setScore(e.target.value)} aria-label="Score">
                    {options.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Split by{" "}
                  <select className="input" value={groupBy} onChange={(e) => setGroupBy(e.target.value as typeof groupBy)} aria-label="Split by">
                    <option value="model">model</option>
                    <option value="route">route</option>
                    <option value="version">model version</option>
                  </select>
                </label>
                <label>
                  Days{" "}
                  <select className="input" value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label="Days">
                    {[7, 30, 90].map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <h3>Mean per day</h3>
              <DailyMeanChart rows={daily.rows} keys={daily.keys} threshold={evaluator.threshold} />
              <h3>Distribution</h3>
              <ScoreHistogram bins={prepareHistogram(d.histogram, current)} />
              <h3>Lowest scores</h3>
              <WorstTraces project={project} worst={d.worst} />
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

function WorstTraces({ project, worst }: { project: string; worst: EvaluatorSeries["worst"] }) {
  if (worst.length === 0) return <p className="muted">No scores yet.</p>;
  return (
    <div className="grid" style={{ gap: 8 }} data-testid="worst-traces">
      {worst.map((w) => (
        <details key={`${w.traceId}/${w.score}`} className="card" style={{ padding: 8 }}>
          <summary>
            <strong>{w.value.toFixed(3)}</strong> {w.score} · {w.model ?? "—"} · {w.startedAt.slice(0, 16).replace("T", " ")} ·{" "}
            <Link href={`/p/${encodeURIComponent(project)}/traces/${w.traceId}`}>trace</Link>
            {w.datasetItemId ? <span className="tz-note"> · golden item ({w.matchSimilarity === 1 ? "exact" : `cosine ${w.matchSimilarity?.toFixed(3)}`})</span> : null}
          </summary>
          {w.comment ? (
            <p className="tz-note" style={{ whiteSpace: "pre-wrap" }} data-testid="judge-reasoning">
              Reasoning: {w.comment}
            </p>
          ) : null}
          <p className="muted">Prompt: {w.prompt ?? "—"}</p>
          {w.expected !== null ? (
            <p aria-label="Response against the expected output" style={{ whiteSpace: "pre-wrap" }}>
              {wordDiff(w.expected, w.response ?? "").map((part, i) =>
                part.kind === "same" ? (
                  <span key={i}>{part.text}</span>
                ) : part.kind === "added" ? (
                  <ins key={i} style={{ background: "rgba(40,160,80,0.18)" }}>{part.text}</ins>
                ) : (
                  <del key={i} style={{ background: "rgba(220,60,60,0.18)" }}>{part.text}</del>
                ),
              )}
            </p>
          ) : (
            <p style={{ whiteSpace: "pre-wrap" }}>{w.response ?? "—"}</p>
          )}
        </details>
      ))}
    </div>
  );
}

function CreateEvaluatorForm({ project, base, datasets }: { project: string; base: string; datasets: DatasetView[] }) {
  const queryClient = useQueryClient();
  const create = useJsonMutation<EvaluatorView>();
  const [kind, setKind] = useState<Kind>("heuristic");
  const [judge, setJudge] = useState<JudgeDraft>(EMPTY_JUDGE);
  const [metrics, setMetrics] = useState<string[]>([...KIND_METRICS.heuristic.defaults]);
  const [form, setForm] = useState({ name: "", datasetId: "", sampleRate: "1", threshold: "", model: "", route: "" });
  const [created, setCreated] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const segment: Record<string, string> = {};
    if (form.model.trim()) segment.model = form.model.trim();
    if (form.route.trim()) segment.route = form.route.trim();
    const result = await create.send("POST", `${base}/evaluators`, {
      name: form.name,
      kind,
      settings: kind === "llm_judge" ? judgeSettings(judge) : { metrics },
      segment,
      sampleRate: Number(form.sampleRate),
      datasetId: form.datasetId || null,
      threshold: form.threshold.trim() === "" ? null : Number(form.threshold),
    });
    if (result) {
      setCreated(result.name);
      setForm((f) => ({ ...f, name: "" }));
      await queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(project) });
    }
  };
  const e = create.errors;
  return (
    <section className="card" aria-labelledby="create-evaluator-heading">
      <h2 id="create-evaluator-heading">New evaluator</h2>
      <form onSubmit={onSubmit} aria-label="Create evaluator" noValidate style={{ display: "grid", gap: 10, gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))" }}>
        <Field label="Name" errors={errorsFor(e, "name")} hint="prefixes its scores: <name>.<metric>">
          <input className="input" value={form.name} onChange={set("name")} placeholder="e.g. golden" />
        </Field>
        <Field label="Kind" errors={errorsFor(e, "kind")}>
          <select
            className="input"
            value={kind}
            onChange={(ev) => {
              const next = ev.target.value as Kind;
              setKind(next);
              if (next !== "llm_judge") setMetrics([...KIND_METRICS[next].defaults]);
            }}
            aria-label="Kind"
          >
            {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        {kind === "llm_judge" ? (
          <JudgeFields project={project} draft={judge} onChange={setJudge} errors={e} />
        ) : (
          <fieldset className="field" style={{ border: "none", padding: 0 }}>
            <legend>Metrics</legend>
            {KIND_METRICS[kind].all.map((m) => (
              <label key={m} style={{ display: "inline-flex", gap: 4, marginRight: 10 }}>
                <input type="checkbox" checked={metrics.includes(m)} onChange={(ev) => setMetrics((list) => (ev.target.checked ? [...list, m] : list.filter((x) => x !== m)))} />
                {m}
              </label>
            ))}
            {errorsFor(e, "settings").map((msg) => (
              <span key={msg} className="field-error">
                {msg}
              </span>
            ))}
          </fieldset>
        )}
        <Field label="Golden set" errors={errorsFor(e, "datasetId")} hint="reference answers for n-gram and SemScore; a trace's own expectedOutput wins">
          <select className="input" value={form.datasetId} onChange={set("datasetId")}>
            <option value="">none</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.items} items)
              </option>
            ))}
          </select>
        </Field>
        <Field label="Sample rate (0–1)" errors={errorsFor(e, "sampleRate")}>
          <input className="input" value={form.sampleRate} onChange={set("sampleRate")} inputMode="decimal" />
        </Field>
        <Field label="Threshold (optimise below)" errors={errorsFor(e, "threshold")} hint="optional, drawn on the chart">
          <input className="input" value={form.threshold} onChange={set("threshold")} inputMode="decimal" placeholder="none" />
        </Field>
        <Field label="Segment: model" errors={errorsFor(e, "segment.model")}>
          <input className="input" value={form.model} onChange={set("model")} placeholder="any" />
        </Field>
        <Field label="Segment: route" errors={errorsFor(e, "segment.route")}>
          <input className="input" value={form.route} onChange={set("route")} placeholder="any" />
        </Field>
        <div style={{ alignSelf: "end" }}>
          <button type="submit" className="btn" disabled={create.pending}>
            Create evaluator
          </button>
        </div>
      </form>
      {create.message && Object.keys(e).length === 0 ? <div className="field-error" role="alert">{create.message}</div> : null}
      {created ? <p role="status" className="tz-note">Created “{created}”: it scores new traces; use “Backfill history” to score stored ones.</p> : null}
    </section>
  );
}

type JudgeDraft = {
  connectionId: string;
  template: (typeof JUDGE_TEMPLATES)[number][0];
  rubric: string;
  mapping: "choices" | "scale";
  choices: string;
  scaleMin: string;
  scaleMax: string;
  dailyCallCap: string;
  dailyCostCapUsd: string;
  concurrency: string;
  timeoutMs: string;
};
const EMPTY_JUDGE: JudgeDraft = {
  connectionId: "",
  template: "relevance",
  rubric: "",
  mapping: "choices",
  choices: "good = 1\nacceptable = 0.5\nbad = 0",
  scaleMin: "1",
  scaleMax: "5",
  dailyCallCap: "1000",
  dailyCostCapUsd: "",
  concurrency: "4",
  timeoutMs: "60000",
};

const numberOr = (text: string, empty: unknown) => (text.trim() === "" ? empty : Number(text));

/** The settings an llm_judge draft sends; the server checks them and answers each bad field with its path. */
function judgeSettings(d: JudgeDraft): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    connectionId: d.connectionId,
    template: d.template,
    dailyCallCap: numberOr(d.dailyCallCap, null),
    dailyCostCapUsd: numberOr(d.dailyCostCapUsd, null),
    concurrency: numberOr(d.concurrency, 4),
    timeoutMs: numberOr(d.timeoutMs, 60000),
  };
  if (d.template === "custom") {
    if (d.rubric.trim() !== "") settings.rubric = d.rubric;
    if (d.mapping === "choices") {
      settings.choices = Object.fromEntries(
        d.choices
          .split("\n")
          .map((line) => line.split("="))
          .filter((parts) => parts.length === 2 && parts[0]!.trim() !== "")
          .map(([label, score]) => [label!.trim(), Number(score!.trim())]),
      );
    } else {
      settings.scale = { min: Number(d.scaleMin), max: Number(d.scaleMax) };
    }
  }
  return settings;
}

function JudgeFields({ project, draft, onChange, errors }: { project: string; draft: JudgeDraft; onChange: (d: JudgeDraft) => void; errors: Record<string, string> }) {
  const connections = useQuery({
    queryKey: ["llm-connections", project],
    queryFn: () => fetchJson<{ data: LlmConnectionView[] }>(`/api/projects/${encodeURIComponent(project)}/llm-connections`),
  });
  const set = (key: keyof JudgeDraft) => (ev: { target: { value: string } }) => onChange({ ...draft, [key]: ev.target.value });
  const list = connections.data?.data ?? [];
  return (
    <>
      <Field label="LLM connection" errors={errorsFor(errors, "settings.connectionId")} hint="the model that judges (Settings → LLM connections)">
        <select className="input" value={draft.connectionId} onChange={set("connectionId")} aria-label="LLM connection">
          <option value="">{connections.isPending ? "loading…" : list.length === 0 ? "none yet: add one in Settings" : "choose a connection"}</option>
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.model})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Template" errors={errorsFor(errors, "settings.template")} hint="scores <name>.<template>; prompts in docs/evaluations.md">
        <select className="input" value={draft.template} onChange={set("template")} aria-label="Template">
          {JUDGE_TEMPLATES.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      {draft.template === "custom" ? (
        <>
          <Field label="Rubric" errors={errorsFor(errors, "settings.rubric")} hint="what the judge grades; the question, reference, contexts and answer follow it">
            <textarea className="input" rows={4} value={draft.rubric} onChange={set("rubric")} aria-label="Rubric" placeholder="Is the answer polite and does it cite its source?" />
          </Field>
          <Field label="Score mapping" errors={[]}>
            <select className="input" value={draft.mapping} onChange={set("mapping")} aria-label="Score mapping">
              <option value="choices">choices with scores</option>
              <option value="scale">numeric scale (min → 0, max → 1)</option>
            </select>
          </Field>
          {draft.mapping === "choices" ? (
            <Field label="Choices (one “label = score” a line, scores 0–1)" errors={errorsFor(errors, "settings.choices")}>
              <textarea className="input" rows={4} value={draft.choices} onChange={set("choices")} aria-label="Choices" />
            </Field>
          ) : (
            <Field label="Scale (whole numbers)" errors={errorsFor(errors, "settings.scale")}>
              <span className="toolbar">
                <input className="input" value={draft.scaleMin} onChange={set("scaleMin")} inputMode="numeric" aria-label="Scale minimum" style={{ width: 70 }} />
                to
                <input className="input" value={draft.scaleMax} onChange={set("scaleMax")} inputMode="numeric" aria-label="Scale maximum" style={{ width: 70 }} />
              </span>
            </Field>
          )}
        </>
      ) : null}
      <Field label="Daily call cap" errors={errorsFor(errors, "settings.dailyCallCap")} hint="the evaluator pauses itself until the next UTC day; empty: no cap">
        <input className="input" value={draft.dailyCallCap} onChange={set("dailyCallCap")} inputMode="numeric" aria-label="Daily call cap" />
      </Field>
      <Field label="Daily cost cap (USD)" errors={errorsFor(errors, "settings.dailyCostCapUsd")} hint="estimated from token usage; empty: no cap">
        <input className="input" value={draft.dailyCostCapUsd} onChange={set("dailyCostCapUsd")} inputMode="decimal" placeholder="none" aria-label="Daily cost cap" />
      </Field>
      <Field label="Concurrency" errors={errorsFor(errors, "settings.concurrency")} hint="judge calls in flight at once">
        <input className="input" value={draft.concurrency} onChange={set("concurrency")} inputMode="numeric" aria-label="Concurrency" />
      </Field>
      <Field label="Timeout (ms)" errors={errorsFor(errors, "settings.timeoutMs")} hint="per attempt">
        <input className="input" value={draft.timeoutMs} onChange={set("timeoutMs")} inputMode="numeric" aria-label="Timeout" />
      </Field>
    </>
  );
}

/** Edits an llm_judge's limits; they do not start a new version (docs/evaluations.md). */
function JudgeLimitsForm({ project, base, evaluator, onDone }: { project: string; base: string; evaluator: EvaluatorView; onDone: () => void }) {
  const queryClient = useQueryClient();
  const save = useJsonMutation<EvaluatorView>();
  const text = (v: unknown) => (typeof v === "number" ? String(v) : "");
  const [form, setForm] = useState({
    dailyCallCap: text(evaluator.settings.dailyCallCap),
    dailyCostCapUsd: text(evaluator.settings.dailyCostCapUsd),
    concurrency: text(evaluator.settings.concurrency),
    timeoutMs: text(evaluator.settings.timeoutMs),
  });
  const set = (key: keyof typeof form) => (ev: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: ev.target.value }));
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const settings = {
      ...evaluator.settings,
      dailyCallCap: numberOr(form.dailyCallCap, null),
      dailyCostCapUsd: numberOr(form.dailyCostCapUsd, null),
      concurrency: numberOr(form.concurrency, 4),
      timeoutMs: numberOr(form.timeoutMs, 60000),
    };
    const result = await save.send("PATCH", `${base}/evaluators/${evaluator.id}`, { settings });
    await queryClient.invalidateQueries({ queryKey: queryKeys.evaluators(project) });
    if (result) onDone();
  };
  const e = save.errors;
  return (
    <form onSubmit={onSubmit} aria-label={`Limits of ${evaluator.name}`} noValidate style={{ display: "grid", gap: 10, gridTemplateColumns: "repeat(auto-fill, minmax(180px, 1fr))", marginTop: 10 }}>
      <Field label="Daily call cap" errors={errorsFor(e, "settings.dailyCallCap")} hint="empty: no cap">
        <input className="input" value={form.dailyCallCap} onChange={set("dailyCallCap")} inputMode="numeric" />
      </Field>
      <Field label="Daily cost cap (USD)" errors={errorsFor(e, "settings.dailyCostCapUsd")} hint="empty: no cap">
        <input className="input" value={form.dailyCostCapUsd} onChange={set("dailyCostCapUsd")} inputMode="decimal" />
      </Field>
      <Field label="Concurrency" errors={errorsFor(e, "settings.concurrency")}>
        <input className="input" value={form.concurrency} onChange={set("concurrency")} inputMode="numeric" />
      </Field>
      <Field label="Timeout (ms)" errors={errorsFor(e, "settings.timeoutMs")}>
        <input className="input" value={form.timeoutMs} onChange={set("timeoutMs")} inputMode="numeric" />
      </Field>
      <div style={{ alignSelf: "end" }} className="toolbar">
        <button type="submit" className="btn" disabled={save.pending}>
          Save limits
        </button>
        <button type="button" className="btn secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
      {save.message && Object.keys(e).length === 0 ? <div className="field-error" role="alert">{save.message}</div> : null}
    </form>
  );
}

function DatasetsPanel({ project, base, datasets, loading, canWrite }: { project: string; base: string; datasets: DatasetView[]; loading: boolean; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState("");
  const create = useJsonMutation<DatasetView>();
  const upload = useJsonMutation<DatasetView & { added: number }>();
  const [note, setNote] = useState<string | null>(null);
  const onCreate = async (event: FormEvent) => {
    event.preventDefault();
    const made = await create.send("POST", `${base}/datasets`, { name });
    if (made) {
      setName("");
      setOpen(made.id);
      await queryClient.invalidateQueries({ queryKey: queryKeys.datasets(project) });
    }
  };
  const onFile = async (datasetId: string, file: File) => {
    const format = file.name.toLowerCase().endsWith(".csv") ? "csv" : file.name.toLowerCase().endsWith(".json") ? "json" : "jsonl";
    const result = await upload.send("POST", `${base}/datasets/${datasetId}/items`, { content: await file.text(), format });
    if (result) setNote(`${result.added} items added to “${result.name}” (version ${result.version}).`);
    await queryClient.invalidateQueries({ queryKey: queryKeys.datasets(project) });
    await queryClient.invalidateQueries({ queryKey: queryKeys.datasetItems(project, datasetId) });
  };
  return (
    <section className="card" aria-labelledby="datasets-heading">
      <h2 id="datasets-heading">Golden sets</h2>
      {loading ? <div className="skeleton" aria-busy="true" /> : datasets.length === 0 ? <p className="muted">No golden sets yet.</p> : null}
      {datasets.length > 0 ? (
        <table className="compact" data-testid="datasets-table">
          <thead>
            <tr>
              <th scope="col">Golden set</th>
              <th scope="col" className="num">Items</th>
              <th scope="col" className="num">Version</th>
              {canWrite ? <th scope="col">Upload items (JSONL, CSV or JSON)</th> : null}
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={d.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => setOpen(open === d.id ? null : d.id)}>
                    {d.name}
                  </button>
                </td>
                <td className="num">{d.items}</td>
                <td className="num">{d.version}</td>
                {canWrite ? (
                  <td>
                    <input type="file" accept=".jsonl,.ndjson,.csv,.json" aria-label={`Upload items to ${d.name}`} onChange={(ev) => ev.target.files?.[0] && void onFile(d.id, ev.target.files[0])} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {upload.message ? (
        <div className="field-error" role="alert">
          {upload.message}
          {Object.entries(upload.errors).slice(0, 10).map(([path, message]) => (
            <div key={path}>
              {path}: {message}
            </div>
          ))}
        </div>
      ) : null}
      {note ? <p role="status" className="tz-note">{note}</p> : null}
      {open ? <DatasetItems project={project} base={base} datasetId={open} /> : null}
      {canWrite ? (
        <form onSubmit={onCreate} aria-label="Create golden set" className="toolbar" style={{ marginTop: 10 }}>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="New golden set name" aria-label="Golden set name" />
          <button type="submit" className="btn secondary" disabled={create.pending}>
            Create golden set
          </button>
          {create.errors.name ? <span className="field-error">{create.errors.name}</span> : create.message ? <span className="field-error">{create.message}</span> : null}
        </form>
      ) : null}
    </section>
  );
}

function DatasetItems({ project, base, datasetId }: { project: string; base: string; datasetId: string }) {
  const items = useQuery({
    queryKey: queryKeys.datasetItems(project, datasetId),
    queryFn: () => fetchJson<{ data: DatasetItemView[] }>(`${base}/datasets/${datasetId}/items`),
  });
  return (
    <QueryState query={items} label="items" isEmpty={(d) => d.data.length === 0} empty="This golden set has no items yet: upload a file.">
      {(d) => (
        <table className="compact" data-testid="dataset-items">
          <thead>
            <tr>
              <th scope="col">Input</th>
              <th scope="col">Expected output</th>
              <th scope="col" className="num">Matched traces</th>
              <th scope="col" className="num">Mean score</th>
            </tr>
          </thead>
          <tbody>
            {d.data.map((i) => (
              <tr key={i.id}>
                <td>{i.input.slice(0, 200)}</td>
                <td>{i.expectedOutput.slice(0, 200)}</td>
                <td className="num">{i.matchedTraces}</td>
                <td className="num">{i.meanScore === null ? "—" : i.meanScore.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryState>
  );
}
