import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { getDatabase } from "@/lib/server/database";

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth v4 reads `params` synchronously; Next 16 passes a promise.
async function handler(request: Request, context: Context) {
  const params = await context.params;
  return NextAuth(request as never, { params } as never, authOptions(getDatabase)) as Promise<Response>;
}

export { handler as GET, handler as POST };
