/**
 * Runs once when the server starts, so a bad environment or an unreachable
 * database is reported at boot rather than on the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { boot } = await import("./lib/server/boot");
    await boot();
  }
}
