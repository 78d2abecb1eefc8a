import type { ProjectRole } from "@/db/schema";

/** What each role may do in a project. Viewers read; engineers operate; admins also manage people. */
const PERMISSIONS = {
  "project.read": ["admin", "engineer", "viewer"],
  "monitors.write": ["admin", "engineer"],
  "alerts.write": ["admin", "engineer"],
  "keys.write": ["admin", "engineer"],
  "prices.write": ["admin", "engineer"],
  "evals.write": ["admin", "engineer"],
  "llm.write": ["admin", "engineer"],
  "members.write": ["admin"],
  "project.write": ["admin"],
} as const satisfies Record<string, readonly ProjectRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: ProjectRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly ProjectRole[]).includes(role);
}
