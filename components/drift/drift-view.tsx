"use client";

import { AlertsPanel } from "./alerts-panel";
import { CreateMonitorForm } from "./create-monitor-form";
import { MonitorsTable } from "./monitors-table";

export function DriftView({ project, canWrite }: { project: string; canWrite: boolean }) {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Drift</h1>
          <div className="muted">Monitors of this project, their latest verdicts and the alerts they raised. All times UTC.</div>
        </div>
      </div>
      <div className="grid" style={{ gap: 14 }}>
        <AlertsPanel project={project} />
        <MonitorsTable project={project} canWrite={canWrite} />
        {canWrite ? <CreateMonitorForm project={project} /> : <p className="tz-note">Your role can read monitors but not create, pause or delete them.</p>}
      </div>
    </>
  );
}
