import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Sidebar } from "@/components/layout/sidebar";
import { THEME_COOKIE } from "@/components/layout/theme";
import { getProjectAccess, requireUser } from "@/lib/server/current-user";
import { listProjectsForUser } from "@/lib/queries/projects";
import { getPageReadDatabase } from "@/lib/server/read-database";
import { NotFoundError } from "@/lib/errors";

export default async function ProjectLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ project: string }>;
}) {
  const { project: slug } = await params;
  const user = await requireUser();
  const access = await getProjectAccess(user, slug).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { db } = await getPageReadDatabase();
  const projects = await listProjectsForUser(db, user.id);
  const theme = (await cookies()).get(THEME_COOKIE)?.value === "light" ? "light" : "dark";
  return (
    <div className="shell" data-theme={theme}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar projectSlug={slug} projects={projects} user={user} role={access.role} theme={theme} />
      <main className="main" id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
