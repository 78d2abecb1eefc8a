"use client";

import { useRouter } from "next/navigation";

export function ProjectSwitcher({ projects, current }: { projects: Array<{ slug: string; name: string }>; current: string }) {
  const router = useRouter();
  return (
    <label className="field" style={{ margin: 0 }}>
      <span className="nav-section" style={{ margin: 0 }}>Project</span>
      <select
        aria-label="Project"
        value={current}
        onChange={(e) => router.push(`/p/${e.target.value}`)}
        style={{ background: "var(--panel-2)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: 8, padding: "7px 9px" }}
      >
        {projects.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
