import { publicHandler } from "@/lib/api/handler";
import { storeHealthy } from "@/lib/store/health";
import { HealthResponse } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// Unauthenticated on purpose (load balancers): says only whether the console and its store work.
export const GET = publicHandler({ response: HealthResponse }, async () => {
  const ok = await storeHealthy();
  return { ok, store: ok ? ("ok" as const) : ("unavailable" as const) };
});
