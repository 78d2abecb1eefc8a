import type { DatabaseHandle } from "./client";

/**
 * The Citus path, made exact: past one database server, every table that a
 * project owns is distributed by `project_id` and colocated with `traces`, so
 * a project's rows live on one node and every join between them stays there;
 * the few tables with no project (accounts, the embedding model registry)
 * are reference tables, copied to every node.
 *
 * `citusReport` reads the live schema from the catalog and says whether it
 * keeps Citus's rules for that layout, and prints the exact calls that
 * distribute it (docs/deploy.md carries them; a test keeps the two equal):
 *   - a distributed table's primary key, unique constraints and unique
 *     indexes (partial ones too) include `project_id`;
 *   - a foreign key between two distributed tables includes `project_id` on
 *     both sides; a distributed table may point at a reference table, a
 *     reference table never at a distributed one;
 *   - every table without `project_id` is named below as a reference table.
 */

export const DISTRIBUTION_COLUMN = "project_id";
/** Every distributed table is colocated with this one. */
export const COLOCATION_ANCHOR = "traces";

/** Tables without a project: copied to every node. `projects` is one too, so that any node can check a project id. */
export const REFERENCE_TABLES = ["projects", "users", "accounts", "sessions", "embedding_models"] as const;

export type TableKind = "distributed" | "reference";

export type CitusTable = { name: string; kind: TableKind };

export type CitusReport = {
  tables: CitusTable[];
  /** One line a broken rule: table, constraint and what is wrong. */
  violations: string[];
  /** The SQL that distributes this schema on Citus, in order. */
  plan: string[];
};

type ConstraintRow = {
  table_name: string;
  name: string;
  type: "p" | "u" | "f" | "x";
  columns: string[];
  ref_table: string | null;
  ref_columns: string[] | null;
};

type IndexRow = { table_name: string; name: string; columns: string[] | null; expression: string | null };

export async function citusReport(handle: DatabaseHandle): Promise<CitusReport> {
  const tableRows = await handle.query<{ table_name: string; has_project: boolean }>(
    `select c.relname as table_name,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = '${DISTRIBUTION_COLUMN}' and not a.attisdropped) as has_project
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname`,
  );
  // Constraint and index columns, in key order, as name arrays.
  const constraints = await handle.query<ConstraintRow>(
    `select cl.relname as table_name, co.conname as name, co.contype as type,
            array(select a.attname::text from unnest(co.conkey) with ordinality k(attnum, i)
                   join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum order by k.i) as columns,
            rc.relname as ref_table,
            case when co.confrelid = 0 then null else
              array(select a.attname::text from unnest(co.confkey) with ordinality k(attnum, i)
                     join pg_attribute a on a.attrelid = co.confrelid and a.attnum = k.attnum order by k.i) end as ref_columns
       from pg_constraint co
       join pg_class cl on cl.oid = co.conrelid
       join pg_namespace n on n.oid = cl.relnamespace
       left join pg_class rc on rc.oid = co.confrelid
      where n.nspname = 'public' and co.contype in ('p', 'u', 'f', 'x') and not cl.relispartition
      order by cl.relname, co.conname`,
  );
  const indexes = await handle.query<IndexRow>(
    `select cl.relname as table_name, ic.relname as name,
            array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, j)
                   join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.j) as columns,
            pg_get_expr(i.indexprs, i.indrelid) as expression
       from pg_index i
       join pg_class cl on cl.oid = i.indrelid
       join pg_class ic on ic.oid = i.indexrelid
       join pg_namespace n on n.oid = cl.relnamespace
      where n.nspname = 'public' and i.indisunique and not cl.relispartition
        and not exists (select 1 from pg_constraint co where co.conindid = i.indexrelid)
      order by cl.relname, ic.relname`,
  );
  return judge(
    tableRows.map((row) => ({ name: row.table_name, hasProject: row.has_project })),
    constraints.map((row) => ({ ...row, columns: pgArray(row.columns), ref_columns: row.ref_columns ? pgArray(row.ref_columns) : null })),
    indexes.map((row) => ({ ...row, columns: row.columns ? pgArray(row.columns) : null })),
  );
}

/** The rules over catalog rows; pure, so it can be tested on planted schemas. */
export function judge(
  tables: { name: string; hasProject: boolean }[],
  constraints: ConstraintRow[],
  indexes: IndexRow[],
): CitusReport {
  const reference = new Set<string>(REFERENCE_TABLES);
  const violations: string[] = [];
  const kinds = new Map<string, TableKind>();
  for (const table of tables) {
    if (reference.has(table.name)) kinds.set(table.name, "reference");
    else if (table.hasProject) kinds.set(table.name, "distributed");
    else violations.push(`${table.name}: no ${DISTRIBUTION_COLUMN} column and not a named reference table`);
  }
  const distributed = (name: string | null) => name !== null && kinds.get(name) === "distributed";
  for (const c of constraints) {
    const kind = kinds.get(c.table_name);
    if (!kind) continue;
    const what = { p: "primary key", u: "unique constraint", x: "exclusion constraint", f: "foreign key" }[c.type];
    if (c.type === "f") {
      if (kind === "reference" && distributed(c.ref_table)) {
        violations.push(`${c.table_name}.${c.name}: a reference table's foreign key points at the distributed table ${c.ref_table}`);
      }
      if (kind === "distributed" && distributed(c.ref_table)) {
        const at = c.columns.indexOf(DISTRIBUTION_COLUMN);
        if (at < 0 || c.ref_columns?.[at] !== DISTRIBUTION_COLUMN) {
          violations.push(`${c.table_name}.${c.name}: ${what} to ${c.ref_table} does not pair ${DISTRIBUTION_COLUMN} with ${DISTRIBUTION_COLUMN}`);
        }
      }
      continue;
    }
    if (kind === "distributed" && !c.columns.includes(DISTRIBUTION_COLUMN)) {
      violations.push(`${c.table_name}.${c.name}: ${what} (${c.columns.join(", ")}) leaves out ${DISTRIBUTION_COLUMN}`);
    }
  }
  for (const index of indexes) {
    if (kinds.get(index.table_name) !== "distributed") continue;
    if (!index.columns?.includes(DISTRIBUTION_COLUMN)) {
      violations.push(`${index.table_name}.${index.name}: unique index (${index.columns?.join(", ") ?? index.expression}) leaves out ${DISTRIBUTION_COLUMN}`);
    }
  }
  const list = tables.filter((t) => kinds.has(t.name)).map((t) => ({ name: t.name, kind: kinds.get(t.name)! }));
  return { tables: list, violations, plan: citusPlan(list) };
}

/**
 * The calls, in an order Citus accepts: reference tables first (distributed
 * tables' foreign keys point at them), then the anchor, then every other
 * distributed table colocated with it.
 */
export function citusPlan(tables: CitusTable[]): string[] {
  const reference = tables.filter((t) => t.kind === "reference").map((t) => t.name);
  const distributed = tables.filter((t) => t.kind === "distributed").map((t) => t.name);
  const order = (names: string[]) => [...names].sort();
  const plan = order(reference).map((name) => `select create_reference_table('${name}');`);
  if (distributed.includes(COLOCATION_ANCHOR)) {
    plan.push(`select create_distributed_table('${COLOCATION_ANCHOR}', '${DISTRIBUTION_COLUMN}');`);
  }
  for (const name of order(distributed.filter((n) => n !== COLOCATION_ANCHOR))) {
    plan.push(`select create_distributed_table('${name}', '${DISTRIBUTION_COLUMN}', colocate_with => '${COLOCATION_ANCHOR}');`);
  }
  return plan;
}

/** node-postgres returns name[] as a string like `{a,b}`; PGlite as an array. */
function pgArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",").map((part) => part.replace(/^"|"$/g, ""));
}

/**
 * Joins that would cross projects: in SQL text (`join <table> <alias> on …`,
 * `using (…)`) and in drizzle's `.innerJoin(table, …)` family, a join to a
 * distributed table must constrain that table's `project_id` — equal to the
 * other side's or to the same project parameter — so that Citus routes it to
 * one node. Returns one line a join that does not, with its line number.
 */
export function crossProjectJoins(source: string, distributed: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const lineOf = (index: number) => source.slice(0, index).split("\n").length;
  const sqlJoin = /\bjoin\s+([a-z_][a-z0-9_]*)(?:\s+(?:as\s+)?(?!on\b|using\b)([a-z_][a-z0-9_]*))?\s*(?:\bon\b([\s\S]*?)(?=\b(?:left\s+|right\s+|inner\s+|full\s+|cross\s+)?join\b|\bwhere\b|\bgroup\s+by\b|\border\s+by\b|\blimit\b|\breturning\b|`|;|$)|\busing\s*\(([^)]*)\))?/gi;
  for (const match of source.matchAll(sqlJoin)) {
    const table = match[1]!.toLowerCase();
    if (!distributed.has(table)) continue;
    const alias = (match[2] ?? table).toLowerCase();
    const on = match[3];
    const using = match[4];
    const keyed = using !== undefined
      ? using.split(",").map((c) => c.trim().toLowerCase()).includes(DISTRIBUTION_COLUMN)
      : on !== undefined && new RegExp(`\\b${alias}\\.${DISTRIBUTION_COLUMN}\\b`, "i").test(on);
    if (!keyed) found.push(`line ${lineOf(match.index)}: join ${table}${match[2] ? ` ${match[2]}` : ""} does not constrain ${alias}.${DISTRIBUTION_COLUMN}`);
  }
  const builderJoin = /\.(?:inner|left|right|full)Join\(/g;
  for (const match of source.matchAll(builderJoin)) {
    const start = match.index + match[0].length;
    let depth = 1;
    let end = start;
    while (end < source.length && depth > 0) {
      const ch = source[end]!;
      if (ch === "(") depth += 1;
      else if (ch === ")") depth -= 1;
      end += 1;
    }
    const args = source.slice(start, end - 1);
    const identifier = /^\s*(?:schema\.)?([A-Za-z_][A-Za-z0-9_]*)\s*,/.exec(args)?.[1];
    if (!identifier) continue;
    const table = identifier.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (!distributed.has(table)) continue;
    if (!/\bprojectId\b/.test(args.slice(args.indexOf(",")))) {
      found.push(`line ${lineOf(match.index)}: ${match[0]}${identifier}, …) does not constrain ${identifier}.projectId`);
    }
  }
  return found;
}
