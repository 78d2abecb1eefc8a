import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChatMessages } from "@/components/traces/chat-messages";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { formatMs, formatUsd } from "@/lib/format";
import { getTraceEvaluations } from "@/lib/queries/evaluators";
import { embeddingStatus, similarTraces, type EmbeddingStatus } from "@/lib/queries/trace-detail";
import { getTrace } from "@/lib/queries/traces-read";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Trace" };
export const dynamic = "force-dynamic";

const utc = (iso: string | null) => (iso ? `${iso.slice(0, 19).replace("T", " ")} UTC` : "—");

function EmbeddingRow({ s }: { s: EmbeddingStatus }) {
  const state =
    s.state === "embedded" ? (
      <span className="badge ok">embedded</span>
    ) : s.state === "waiting" ? (
      <span className="badge warn">waiting in backlog</span>
    ) : s.state === "failed" ? (
      <span className="badge error">failed</span>
    ) : (
      <span className="badge">nothing to embed</span>
    );
  return (
    <tr>
      <th scope="row" style={{ fontWeight: 500 }}>{s.kind}</th>
      <td>{state}</td>
      <td>
        {s.model ? (
          <>
            {s.model} ({s.dimensions} d){s.truncated ? " · truncated to the model's window" : ""} · {utc(s.embeddedAt)}
          </>
        ) : null}
        {s.state === "waiting" ? <>attempts {s.attempts}; next try {utc(s.nextAttemptAt)}</> : null}
        {s.lastError ? <div className="field-error">{s.lastError}</div> : null}
      </td>
    </tr>
  );
}

/** " (price table genai-prices 0.1.8)", " (your price)", " (sent by the client)", or nothing. */
function costOrigin(source: string | null, tableVersion: string | null): string {
  if (source === "price_table") return ` (price table ${tableVersion ?? ""})`.replace(" )", ")");
  if (source === "override") return " (your price)";
  if (source === "client") return " (sent by the client)";
  return "";
}

export default async function TraceDetailPage({ params }: { params: Promise<{ project: string; id: string }> }) {
  const { project, id } = await params;
  const access = await getProjectAccess(await requireUser(), project);
  const handle = await getPageReadDatabase();
  const trace = await getTrace(handle.db, access.project.id, decodeURIComponent(id));
  if (!trace) notFound();
  const [status, similar, evaluations] = await Promise.all([
    embeddingStatus(handle, access.project.id, trace.id),
    similarTraces(handle, access.project.id, trace.id, { k: 10, which: "prompt" }),
    getTraceEvaluations(handle.db, access.project.id, trace.id),
  ]);
  const meta: Array<[string, string]> = [
    ["Time", utc(trace.timestamp)],
    ["Received", utc(trace.receivedAt)],
    ["Provider", trace.provider ?? "—"],
    ["Model", trace.model ?? "—"],
    ["Model version", trace.modelVersion ?? "—"],
    ["Route", trace.route ?? "—"],
    ["Latency", formatMs(trace.latencyMs)],
    ["Time to first token", formatMs(trace.ttftMs)],
    ["Tokens in / out", `${trace.inputTokens ?? "—"} / ${trace.outputTokens ?? "—"}`],
    ["Cached input / reasoning tokens", `${trace.cachedInputTokens ?? "—"} / ${trace.reasoningTokens ?? "—"}`],
    ["Cost", `${formatUsd(trace.costUsd)}${costOrigin(trace.costSource, trace.priceTableVersion)}`],
    ["Finish reason", trace.finishReason ?? "—"],
    ["User", trace.userId ?? "—"],
    ["Session", trace.sessionId ?? "—"],
    ["Tags", trace.tags.length > 0 ? trace.tags.join(", ") : "—"],
    ["Client id", trace.externalId],
  ];
  return (
    <>
      <div className="page-header">
        <div>
          <div className="tz-note">
            <Link href={`/p/${project}/traces`}>← Traces</Link>
          </div>
          <h1>Trace</h1>
          <div className="muted">
            <code>{trace.id}</code> · <span className={`badge ${trace.status}`}>{trace.status}</span>{" "}
            {trace.refused ? <span className="badge warn">refused</span> : null}
          </div>
        </div>
      </div>
      {trace.error ? (
        <div className="alert" role="alert">
          Error: {trace.error}
        </div>
      ) : null}
      <div className="two-col">
        <div className="grid" style={{ gap: 14, alignContent: "start" }}>
          <section className="card" aria-label="Prompt">
            <h2>Prompt</h2>
            <ChatMessages value={trace.prompt} fallbackRole="user" emptyText="No prompt was stored." />
          </section>
          <section className="card" aria-label="Response">
            <h2>Response</h2>
            <ChatMessages value={trace.response} fallbackRole="assistant" emptyText="No response (the call failed or returned nothing)." />
          </section>
          {trace.contexts.length > 0 ? (
            <section className="card" aria-label="Retrieved contexts" data-testid="retrieved-contexts">
              <h2>Retrieved contexts ({trace.contexts.length})</h2>
              <ol style={{ margin: 0, paddingLeft: 20, display: "grid", gap: 10 }}>
                {trace.contexts.map((c, i) => (
                  <li key={i}>
                    <div className="tz-note">
                      {[c.source, c.id ? `id ${c.id}` : null, c.score !== null ? `score ${c.score.toFixed(3)}` : null].filter(Boolean).join(" · ") || "no source"}
                    </div>
                    <pre style={{ margin: 0, whiteSpace: "pre-wrap" }}>{c.content}</pre>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
          <section className="card" aria-label="Similar traces" data-testid="similar-traces">
            <h2>Similar prompts</h2>
            {similar.model === null ? (
              <p className="muted">The prompt is not embedded yet; similar traces appear once it is.</p>
            ) : similar.data.length === 0 ? (
              <p className="muted">No other embedded prompt in this project.</p>
            ) : (
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col" className="num">Similarity</th>
                    <th scope="col">Prompt</th>
                    <th scope="col">Model</th>
                    <th scope="col">Time (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {similar.data.map((s) => (
                    <tr key={s.id}>
                      <td className="num" title={`cosine distance ${s.distance.toFixed(4)}`}>
                        {(s.similarity * 100).toFixed(1)}%
                      </td>
                      <td className="truncate" style={{ maxWidth: 360 }}>
                        <Link href={`/p/${project}/traces/${s.id}`}>{s.text ?? "(no text)"}</Link>
                      </td>
                      <td>{s.model ?? "—"}</td>
                      <td style={{ whiteSpace: "nowrap" }}>{s.startedAt.slice(0, 16).replace("T", " ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {similar.model ? <p className="tz-note">Nearest by cosine distance of {similar.model} prompt embeddings.</p> : null}
          </section>
        </div>
        <div className="grid" style={{ gap: 14, alignContent: "start" }}>
          <section className="card" aria-label="Details">
            <h2>Details</h2>
            <dl className="meta">
              {meta.map(([k, v]) => (
                <div key={k} style={{ display: "contents" }}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section className="card" aria-label="Scores">
            <h2>Scores</h2>
            {Object.keys(trace.scores).length === 0 ? (
              <p className="muted">No scores.</p>
            ) : (
              <dl className="meta">
                {Object.entries(trace.scores).map(([k, v]) => (
                  <div key={k} style={{ display: "contents" }}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
          <section className="card" aria-label="Evaluations" data-testid="trace-evaluations">
            <h2>Evaluations</h2>
            {trace.expectedOutput ? (
              <p className="muted">
                Expected output sent with the trace: <q>{trace.expectedOutput.slice(0, 300)}</q>
              </p>
            ) : null}
            {evaluations.length === 0 ? (
              <p className="muted">No evaluator has scored this trace.</p>
            ) : (
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Score</th>
                    <th scope="col">Value</th>
                    <th scope="col">Evaluator · version</th>
                    <th scope="col">Golden item (match)</th>
                    <th scope="col">Reasoning</th>
                  </tr>
                </thead>
                <tbody>
                  {evaluations.map((e) => (
                    <tr key={e.score}>
                      <td>{e.score}</td>
                      <td>{e.value.toFixed(3)}</td>
                      <td>
                        {e.evaluator ?? "(deleted)"} · v{e.version}
                      </td>
                      <td>
                        {e.item ? (
                          <span title={e.item.expectedOutput}>
                            {e.item.dataset ? `${e.item.dataset}: ` : ""}
                            <q>{e.item.input.slice(0, 120)}</q> ({e.similarity === 1 ? "exact" : `cosine ${e.similarity?.toFixed(3)}`})
                          </span>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td style={{ whiteSpace: "pre-wrap" }} data-testid="evaluation-reasoning">
                        {e.comment ?? "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-label="Embedding status" data-testid="embedding-status">
            <h2>Embeddings</h2>
            <table className="compact">
              <tbody>
                {status.map((s) => (
                  <EmbeddingRow key={s.kind} s={s} />
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-label="Metadata">
            <h2>Metadata</h2>
            <pre style={{ margin: 0, whiteSpace: "pre-wrap" }}>{JSON.stringify(trace.metadata, null, 2)}</pre>
          </section>
        </div>
      </div>
    </>
  );
}
