import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { LoginForm } from "@/components/auth/login-form";
import { getCurrentUser } from "@/lib/server/current-user";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await getCurrentUser()) redirect("/");
  const config = env();
  const oauth: Array<{ id: string; name: string }> = [];
  if (config.GITHUB_ID) oauth.push({ id: "github", name: "GitHub" });
  if (config.OIDC_ISSUER) oauth.push({ id: "oidc", name: config.OIDC_NAME ?? "single sign-on" });
  return (
    <main className="login-wrap">
      <div className="card login-card">
        <div className="brand" style={{ marginBottom: 18 }}>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/logo.svg" alt="" width={26} height={26} /> Driftline
        </div>
        <h1 style={{ marginBottom: 16 }}>Sign in</h1>
        <Suspense>
          <LoginForm oauthProviders={oauth} />
        </Suspense>
      </div>
    </main>
  );
}
