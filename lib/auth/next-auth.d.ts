import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    sid?: string;
    user: { id?: string; name?: string | null; email?: string | null; image?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
    uid?: string;
  }
}
