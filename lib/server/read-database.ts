import "server-only";
import { cookies } from "next/headers";
import type { DatabaseHandle } from "@/db/client";
import { FRESH_WRITE_COOKIE, getReadDatabase } from "./database";

/** For dashboard pages: the replica, unless this user wrote a moment ago (see getReadDatabase). */
export async function getPageReadDatabase(): Promise<DatabaseHandle> {
  const jar = await cookies();
  return getReadDatabase(jar.has(FRESH_WRITE_COOKIE));
}
