import { redirect } from "next/navigation";
import { requireUser } from "@/lib/server/current-user";
import { listProjectsForUser } from "@/lib/queries/projects";
import { getPageReadDatabase } from "@/lib/server/read-database";
import { SignOutButton } from "@/components/layout/sign-out-button";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await requireUser();
  const { db } = await getPageReadDatabase();
  const projects = await listProjectsForUser(db, user.id);
  const first = projects[0];
  if (first) redirect(`/p/${first.slug}`);
  return (
    <main className="login-wrap">
      <div className="card" style={{ maxWidth: 520 }}>
        <h1>No projects yet</h1>
        <p className="muted">
          You are signed in as {user.email}, but you are not a member of any project. Ask an admin to add you, or start
          Driftline with <code>DRIFTLINE_INIT_PROJECT</code> set to create one.
        </p>
        <SignOutButton />
      </div>
    </main>
  );
}
