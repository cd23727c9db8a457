// Runs once when the server starts (Node runtime only; the import keeps Node APIs out of Edge builds).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseToStartWithoutConfig } = await import("@/lib/auth/startup");
    refuseToStartWithoutConfig();
  }
}
