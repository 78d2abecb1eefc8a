import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { memberships, projects, users } from "@/db/schema";
import { changeMemberRole } from "@/lib/services/members/change-member-role";
import { removeMember } from "@/lib/services/members/remove-member";
import type { ServiceContext } from "@/lib/services/context";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { dbTargets } from "./targets";

describe.each(dbTargets())("changing and removing members on $name", (target) => {
  let handle: DatabaseHandle & { dispose(): Promise<void> };
  let ctx: ServiceContext;
  let projectId: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    handle = await target.open();
    ctx = { db: handle.db, actor: { kind: "operator" } };
    const [project] = await handle.db.insert(projects).values({ slug: "team", name: "team" }).returning();
    projectId = project!.id;
    const made = await handle.db.insert(users).values([{ email: "ada@example.com" }, { email: "bo@example.com" }]).returning();
    [first, second] = made.map((u) => u.id) as [string, string];
    await handle.db.insert(memberships).values([
      { projectId, userId: first, role: "admin" },
      { projectId, userId: second, role: "engineer" },
    ]);
  });
  afterAll(async () => handle?.dispose());

  it("keeps the project's last admin: demoting or removing them is refused", async () => {
    await expect(changeMemberRole({ ctx, input: { projectId, userId: first, role: "viewer" } })).rejects.toBeInstanceOf(ConflictError);
    await expect(removeMember({ ctx, input: { projectId, userId: first } })).rejects.toBeInstanceOf(ConflictError);
  });

  it("answers 404 for someone who is not a member", async () => {
    const stranger = crypto.randomUUID();
    await expect(changeMemberRole({ ctx, input: { projectId, userId: stranger, role: "viewer" } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeMember({ ctx, input: { projectId, userId: stranger } })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("demotes an admin once another admin exists, and removes members", async () => {
    expect(await changeMemberRole({ ctx, input: { projectId, userId: second, role: "admin" } })).toEqual({ userId: second, role: "admin" });
    expect(await changeMemberRole({ ctx, input: { projectId, userId: first, role: "viewer" } })).toEqual({ userId: first, role: "viewer" });
    expect(await removeMember({ ctx, input: { projectId, userId: first } })).toEqual({ removed: true });
    const left = await handle.db.select().from(memberships);
    expect(left.map((m) => [m.userId, m.role])).toEqual([[second, "admin"]]);
  });
});
