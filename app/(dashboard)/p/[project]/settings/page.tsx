import type { Metadata } from "next";
import { ApiKeysCard } from "@/components/settings/api-keys-card";
import { CreateProjectCard } from "@/components/settings/create-project-card";
import { LlmConnectionsCard } from "@/components/settings/llm-connections-card";
import { MembersCard } from "@/components/settings/members-card";
import { PricesCard } from "@/components/settings/prices-card";
import { ProjectSettingsForm } from "@/components/settings/project-settings-form";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { can } from "@/lib/auth/roles";
import { readEmbeddingConfig } from "@/lib/embeddings/registry";
import { PRICE_TABLE_VERSION } from "@/lib/ingest/pricing";
import { REDACTION_KINDS } from "@/lib/ingest/redact";
import { listPriceOverrides, listUnknownModels } from "@/lib/queries/prices";
import { listApiKeys, listEmbeddingModels, listMembers } from "@/lib/queries/project-settings";
import { listLlmConnections } from "@/lib/services/llm-connections";
import { getPageReadDatabase } from "@/lib/server/read-database";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

function configuredModel(): string {
  try {
    const config = readEmbeddingConfig();
    return config.modelPath ? `${config.model} (local folder ${config.modelPath})` : config.model;
  } catch (error) {
    return `invalid configuration: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export default async function SettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  const user = await requireUser();
  const access = await getProjectAccess(user, project);
  const { db } = await getPageReadDatabase();
  const [keys, members, models, overrides, unknownModels, llmConnections] = await Promise.all([
    listApiKeys(db, access.project.id),
    listMembers(db, access.project.id),
    listEmbeddingModels(db, access.project.id),
    listPriceOverrides(db, access.project.id),
    listUnknownModels(db, access.project.id),
    listLlmConnections(db, access.project.id),
  ]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <div className="muted">
            {access.project.name} · slug <code>{access.project.slug}</code> · your role: <strong data-testid="settings-role">{access.role}</strong>
          </div>
        </div>
      </div>
      <div className="grid" style={{ gap: 14 }}>
        <ProjectSettingsForm
          project={project}
          name={access.project.name}
          redaction={access.project.redaction}
          retentionDays={access.project.retentionDays}
          redactionKinds={REDACTION_KINDS}
          canWrite={can(access.role, "project.write")}
        />
        <ApiKeysCard
          project={project}
          canWrite={can(access.role, "keys.write")}
          keys={keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) }))}
        />
        <MembersCard project={project} members={members} canWrite={can(access.role, "members.write")} currentUserId={user.id} />
        <PricesCard
          project={project}
          overrides={overrides}
          unknown={unknownModels}
          tableVersion={PRICE_TABLE_VERSION}
          canWrite={can(access.role, "prices.write")}
        />
        <LlmConnectionsCard project={project} connections={llmConnections} canWrite={can(access.role, "llm.write")} />
        <section className="card" aria-labelledby="embedding-heading">
          <h2 id="embedding-heading">Embedding model</h2>
          <p>
            Configured: <strong>{configuredModel()}</strong> <span className="tz-note">(EMBEDDING_MODEL; read-only here)</span>
          </p>
          {models.length === 0 ? (
            <p className="muted">No text has been embedded yet.</p>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">Dimensions</th>
                  <th scope="col">First used (UTC)</th>
                  <th scope="col">Vectors in this project</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={m.id}>
                    <td>{m.name}</td>
                    <td className="num">{m.dimensions}</td>
                    <td>{m.createdAt.slice(0, 16).replace("T", " ")}</td>
                    <td>{m.usedByProject ? "yes" : "no"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="tz-note">Vectors of different models are never compared; each model has its own HNSW index.</p>
        </section>
        {user.isInstanceAdmin ? <CreateProjectCard /> : null}
      </div>
    </>
  );
}
