import { randomBytes } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import type { Database } from "@/db/client";
import { accounts, sessions, users } from "@/db/schema";
import { env } from "@/lib/env";
import { verifyPassword } from "./passwords";

/**
 * Where the auth callbacks get the database: the caller's opened one
 * (lib/server/database.ts in the app). lib/auth never opens it itself.
 */
export type OpenDatabase = () => Promise<{ db: Database }>;

const DEFAULT_MAX_AGE_HOURS = 24 * 7;

function maxAgeSeconds(): number {
  return (env().DRIFTLINE_SESSION_MAX_AGE_HOURS ?? DEFAULT_MAX_AGE_HOURS) * 3600;
}

function providers(open: OpenDatabase): NextAuthOptions["providers"] {
  const config = env();
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const email = credentials?.email?.trim().toLowerCase();
        const password = credentials?.password;
        if (!email || !password) return null;
        const { db } = await open();
        const [user] = await db.select().from(users).where(eq(users.email, email));
        if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, password))) return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ];
  if (config.GITHUB_ID && config.GITHUB_SECRET) {
    list.push(GitHubProvider({ clientId: config.GITHUB_ID, clientSecret: config.GITHUB_SECRET }));
  }
  if (config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET) {
    list.push({
      id: "oidc",
      name: config.OIDC_NAME ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${config.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: "openid email profile" } },
      profile(profile: { sub: string; email?: string; name?: string; picture?: string }) {
        return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null, image: profile.picture ?? null };
      },
    });
  }
  return list;
}

/** Links an external identity to a user (created on first sign-in, matched by email). */
async function upsertOAuthUser(open: OpenDatabase, params: {
  email: string;
  name: string | null | undefined;
  image: string | null | undefined;
  provider: string;
  providerAccountId: string;
  type: string;
}): Promise<string> {
  const { db } = await open();
  const email = params.email.toLowerCase();
  await db
    .insert(users)
    .values({ email, name: params.name ?? null, image: params.image ?? null, emailVerified: new Date() })
    .onConflictDoNothing();
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) throw new Error("user could not be created");
  await db
    .insert(accounts)
    .values({ userId: user.id, provider: params.provider, providerAccountId: params.providerAccountId, type: params.type })
    .onConflictDoNothing();
  return user.id;
}

export function authOptions(open: OpenDatabase): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    // Credentials sign-in needs JWTs in next-auth v4; the JWT only carries a
    // session id that must exist in the sessions table (see `jwt` below).
    session: { strategy: "jwt", maxAge: maxAgeSeconds() },
    // Said outright rather than left to next-auth's default: behind https the
    // cookies are Secure with the __Secure-/__Host- prefixes; they are always
    // HttpOnly and SameSite=Lax.
    useSecureCookies: (env().NEXTAUTH_URL ?? "").startsWith("https://"),
    pages: { signIn: "/login" },
    providers: providers(open),
    callbacks: {
      async signIn({ user, account }) {
        if (account && account.type !== "credentials") {
          if (!user.email) return false;
          user.id = await upsertOAuthUser(open, {
            email: user.email,
            name: user.name,
            image: user.image,
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            type: account.type,
          });
        }
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const { db } = await open();
          const sessionToken = randomBytes(32).toString("hex");
          await db
            .insert(sessions)
            .values({ sessionToken, userId: user.id, expires: new Date(Date.now() + maxAgeSeconds() * 1000) });
          token.sid = sessionToken;
          token.uid = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, sid: token.sid, user: { ...session.user, id: token.uid } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid !== "string") return;
        const { db } = await open();
        await db.delete(sessions).where(eq(sessions.sessionToken, token.sid));
      },
    },
  };
}

/** A session id is valid while its row exists and has not expired. */
export async function findLiveSession(db: Database, sessionToken: string) {
  const [row] = await db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.sessionToken, sessionToken), gt(sessions.expires, new Date())));
  return row;
}
