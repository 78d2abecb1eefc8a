// The room rules of the house (docs/architecture.md, "Boundaries"), checked by
// `npm run lint` through scripts/lint/boundaries.mjs. Each rule names a room and
// the rooms it may import; an import of anything else of ours is an error.
// Violations that are being removed on other branches are listed in
// .dependency-cruiser-known-violations.json (regenerate it with
// `node scripts/lint/boundaries.mjs --baseline`; it should shrink to []).

/** Everything of ours: an import outside this is a package or node built-in. */
const OURS = "^(app|components|lib|db|tests|testing|scripts|e2e|bin)/";
/** Small neutral modules every room except lib/drift may use: env reading,
 * number/date formatting, durations ("24h" ↔ seconds: a monitor's window is
 * parsed by services and shown by queries), domain errors (no HTTP), and the reporting period
 * (lib/period.ts: the picker of components and the read models of lib/queries agree on it). */
const LOW = "^lib/(env|format|duration|errors|period|secret-box)\\.ts$";
/** Colocated tests may reach fixtures and helpers anywhere (tests/ and scripts/ may import anything). */
const TEST_FILE = "\\.test\\.tsx?$";

function room(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: from, pathNot: TEST_FILE },
    to: { path: OURS, pathNot: [from, ...allowed] },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import circles anywhere: a circle means two rooms do one job.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-lib-to-ui",
      comment: "Nothing under lib/ or db/ imports the app/ routes or React components: arrows point down.",
      severity: "error",
      from: { path: "^(lib|db)/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "no-import-of-tests",
      comment: "Only tests import tests/ (shared fixtures live in testing/, which benchmarks may import).",
      severity: "error",
      // scripts/capture-client-fixtures.ts is the suite's own tooling: it replays
      // tests/clients snippets against tests/fake-openai.ts to regenerate their fixtures.
      from: { path: "^(app|components|lib|db|scripts|bin|testing)/", pathNot: [TEST_FILE, "^scripts/capture-client-fixtures\\.ts$"] },
      to: { path: "^tests/" },
    },
    room("drift-is-pure", "^lib/drift/", [], "lib/drift is pure statistics: numbers in, reports out; it imports nothing of ours."),
    room("charts-is-pure", "^lib/charts/", [LOW], "lib/charts holds pure prepare-* functions and the query keys; it imports nothing of ours but formatting and the period (type-only imports of row types are allowed, see the map below)."),
    room("db-is-the-floor", "^db/", [LOW], "db/ (schema, client, migrations) is the floor of the house."),
    room(
      "components-render-prepared-data",
      "^components/",
      ["^lib/charts/", "^lib/query-client\\.ts$", LOW, "^components/"],
      "Components render data prepared by lib/charts and fetch it with react-query; types of other rooms come in as type-only imports (allowed by dependencyTypesNot below).",
    ),
    room(
      "ingest-validates-and-maps",
      "^lib/ingest/",
      [LOW],
      "lib/ingest (schemas, protocol mappings, redaction, pricing) depends on no other room.",
    ),
    room("auth-never-opens-the-database", "^lib/auth/", ["^db/", LOW], "lib/auth: options, roles, key digests; db types only, never lib/server's opened database."),
    room(
      "queries-read-the-database",
      "^lib/queries/",
      ["^db/", LOW],
      "lib/queries: read models over db/; they own the period and latency-bucket definitions they read by.",
    ),
    room(
      "services-mutate",
      "^lib/services/",
      ["^db/", "^lib/ingest/", "^lib/auth/", "^lib/monitors/", "^lib/evals/", "^lib/net/", "^lib/queries/", "^lib/embeddings/", LOW],
      "lib/services: every mutation. Beyond the plan's db/ingest/errors it uses lib/auth (roles and key digests when it authorises), lib/monitors and lib/evals (a monitor's config and an evaluator's settings are validated by their kind), lib/net (a webhook or LLM address is checked when it is stored), lib/queries (a mutation answers with the row as the read API shows it) and lib/embeddings (model names).",
    ),
    room(
      "monitors-orchestrate",
      "^lib/monitors/",
      ["^lib/drift/", "^db/", "^lib/worker-script\\.ts$", LOW],
      "lib/monitors: windows and kinds, calling lib/drift; lib/worker-script.ts starts its compute worker. Claiming, storing results and alert transitions are lib/jobs' and lib/alerts'.",
    ),
    room(
      "evals-evaluate",
      "^lib/evals/",
      ["^lib/drift/", "^lib/embeddings/", "^db/", "^lib/ingest/", "^lib/net/", LOW],
      "lib/evals: metrics, golden sets, the judge; lib/ingest for the trace shape and pricing, lib/net for the judge's guarded outbound call.",
    ),
    room(
      "alerts-deliver",
      "^lib/alerts/",
      ["^db/", "^lib/net/", LOW],
      "lib/alerts: alert state and transitions, the outbox and its webhook/Slack delivery through lib/net's address guard.",
    ),
    room("net-is-low", "^lib/net/", [LOW], "lib/net: outbound HTTP and its address guard; no other room."),
    room(
      "embeddings-stand-alone",
      "^lib/embeddings/",
      ["^lib/worker-script\\.ts$", LOW],
      "lib/embeddings: the Embedder, its worker thread and the model registry.",
    ),
    room(
      "jobs-run-work",
      "^lib/jobs/",
      ["^lib/monitors/", "^lib/evals/", "^lib/embeddings/", "^lib/alerts/", "^lib/drift/", "^lib/ingest/", "^lib/services/", "^lib/queries/", "^db/", LOW],
      "lib/jobs: claim rows, call a room, record the outcome. lib/services for the mutation a task ends in, lib/queries for the rollup's bucket definition, lib/ingest for pricing on re-evaluation.",
    ),
    room(
      "http-adapts",
      "^lib/http/",
      ["^lib/services/", "^lib/queries/", "^lib/auth/", "^lib/ingest/", "^db/", "^lib/server/(database|current-user)\\.ts$", LOW],
      "lib/http: the one HTTP adapter; it takes the context's database from lib/server/database.ts (the process's opened database), the signed-in member from lib/server/current-user.ts, and db/ for its type.",
    ),
  // Type-only imports vanish at build time: components and charts may name the row types of other rooms.
  ].map((rule) => (rule.name.startsWith("components") || rule.name.startsWith("charts") ? { ...rule, to: { ...rule.to, dependencyTypesNot: ["type-only"] } } : rule)),
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|\\.data|test-results|playwright-report)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".mjs", ".js", ".cjs", ".json"],
    },
  },
};
