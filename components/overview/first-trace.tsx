export function FirstTrace({ origin, projectSlug }: { origin: string; projectSlug: string }) {
  const curl = `curl -X POST ${origin}/api/v1/traces \\
  -H "Authorization: Bearer $DRIFTLINE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"traces":[{"id":"first-1","timestamp":"${new Date().toISOString().slice(0, 19)}Z",
       "provider":"openai","model":"gpt-4o-mini","prompt":"How do I reset my password?",
       "response":"Open Settings → Security.","latencyMs":640,"inputTokens":12,"outputTokens":9}]}'`;
  return (
    <div className="card empty" data-testid="empty-state">
      <h2>No traces in {projectSlug} yet</h2>
      <p className="muted">Driftline charts every LLM call your application logs. Send the first one:</p>
      <ol>
        <li>
          Use this project&apos;s API key (<code>DRIFTLINE_INIT_API_KEY</code>, or one from Settings → API keys).
        </li>
        <li>
          Post a batch to the native endpoint:
          <pre>{curl}</pre>
        </li>
        <li>
          Or point any OpenTelemetry exporter at <code>{origin}/v1/traces</code> (OTLP/HTTP, JSON or protobuf) with
          header <code>Authorization: Bearer &lt;key&gt;</code>; spans with <code>gen_ai.*</code> attributes become traces.
        </li>
      </ol>
    </div>
  );
}
