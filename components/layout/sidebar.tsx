import Link from "next/link";
import type { ProjectRole } from "@/db/schema";
import { BacklogBadge } from "./backlog-badge";
import { NavLink } from "./nav-link";
import { ProjectSwitcher } from "./project-switcher";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export function Sidebar(props: {
  projectSlug: string;
  projects: Array<{ slug: string; name: string }>;
  user: { email: string; name: string | null };
  role: ProjectRole;
  theme: "light" | "dark";
}) {
  const base = `/p/${props.projectSlug}`;
  return (
    <aside className="sidebar">
      <Link href="/" className="brand">
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src="/logo.svg" alt="" width={26} height={26} /> Driftline
      </Link>
      <ProjectSwitcher projects={props.projects} current={props.projectSlug} />
      <nav className="nav" aria-label="Main">
        <NavLink href={base} exact>
          Overview
        </NavLink>
        <NavLink href={`${base}/drift`}>Drift</NavLink>
        <NavLink href={`${base}/regressions`}>Regressions</NavLink>
        <NavLink href={`${base}/routing`}>Routing</NavLink>
        <NavLink href={`${base}/evaluations`}>Evaluations</NavLink>
        <NavLink href={`${base}/traces`}>Traces</NavLink>
        <NavLink href={`${base}/settings`}>Settings</NavLink>
      </nav>
      <BacklogBadge project={props.projectSlug} />
      <div className="sidebar-footer">
        <div className="tz-note">All times are UTC.</div>
        <ThemeToggle initial={props.theme} />
        <div>
          <div>{props.user.name ?? props.user.email}</div>
          <div className="muted" style={{ fontSize: 12 }}>
            {props.user.email} · <span data-testid="role">{props.role}</span>
          </div>
        </div>
        <SignOutButton />
      </div>
    </aside>
  );
}
