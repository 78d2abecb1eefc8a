// The machine a benchmark ran on, gathered at run time: CPU, cores, RAM, OS, Node,
// and the PostgreSQL server and pgvector version the benches use.
import { readFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";
import pg from "pg";

export type Machine = {
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  postgres: string;
  pgvector: string;
};

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) return `${pretty} (${type()} ${release()})`;
  } catch {
    // not Linux, or no os-release
  }
  return `${type()} ${release()}`;
}

async function databaseVersions(url: string): Promise<{ postgres: string; pgvector: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const version = await client.query<{ server_version: string }>("show server_version");
    const vector = await client.query<{ v: string | null }>(
      "select coalesce((select extversion from pg_extension where extname = 'vector'), (select default_version from pg_available_extensions where name = 'vector')) as v",
    );
    return { postgres: version.rows[0]?.server_version ?? "unknown", pgvector: vector.rows[0]?.v ?? "not installed" };
  } catch {
    return { postgres: "unreachable", pgvector: "unknown" };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function collectMachine(url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"): Promise<Machine> {
  const list = cpus();
  const db = await databaseVersions(url);
  return {
    cpu: list[0]?.model.trim() ?? "unknown CPU",
    cores: list.length,
    ramGb: Math.round(totalmem() / 2 ** 30),
    os: osName(),
    node: process.version,
    ...db,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, Node ${m.node}, PostgreSQL ${m.postgres} with pgvector ${m.pgvector}`;
}
