import type { RunningApp } from "./app-server";

export type Session = { cookie: string; setCookie: string[] };

/** Signs in through next-auth's credentials form, as the login page does, and returns the session cookie. */
export async function signIn(app: RunningApp, email: string, password: string): Promise<Session> {
  const csrf = await fetch(`${app.url}/api/auth/csrf`);
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${app.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: app.url }),
  });
  const setCookie = response.headers.getSetCookie();
  const session = setCookie.find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
  if (!session) throw new Error(`sign-in of ${email} failed: HTTP ${response.status}`);
  return { cookie: session.split(";")[0]!, setCookie };
}
